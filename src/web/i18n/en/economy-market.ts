/** The marketplace: offers and needs, the catalogue, search, the map, watches (web/economy). */
export const economyMarket = {
  "social.notification.economy_match": "A new offer or need matches what you watch:",
};
