import type { economyMarket as en } from "../en/economy-market.ts";

/** El mercado: ofertas y necesidades, el catálogo, la búsqueda, el mapa, los avisos (web/economy). */
export const economyMarket: Record<keyof typeof en, string> = {
  "social.notification.economy_match": "Una nueva oferta o necesidad coincide con lo que sigues:",
};
