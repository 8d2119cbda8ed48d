/**
 * Realistic-enough text for the search bench: sentences in English and Spanish
 * drawn from a co-op's vocabulary with a Zipf-like skew (a few words are in many
 * posts, most in few), so queries hit posting lists of every length.
 */
const ENGLISH = `the co-op members meeting bread bakery garden compost market farmers food
community housing energy solar panels repair cafe bicycle workshop childcare
assembly proposal budget vote decision working group volunteer shift schedule
harvest vegetables tomatoes apples orchard seeds soil rain weather winter summer
cooperative cooperatives worker owners wages fair trade coffee tea kitchen recipe
soup dinner lunch potluck festival music library books reading school teachers
nurses health clinic care elders neighbours street park trees river bridge train
bus transport carpool electric car sharing tools library fixing running walking
cycling football team match training pool swimming yoga dance theatre film night
newsletter article editorial writers publication journal story interview photos
rent landlord tenants union strike solidarity mutual aid credit savings loan
bank account ledger invoice price cost surplus dividend members patronage refund`;
const SPANISH = `la cooperativa socias socios asamblea reunión pan panadería huerto compost
mercado agricultores comida comunidad vivienda energía solar paneles taller
reparación bicicleta cuidado niños propuesta presupuesto votación decisión grupo
trabajo voluntariado turno horario cosecha verduras tomates manzanas semillas
tierra lluvia tiempo invierno verano cooperativas trabajadoras dueñas salarios
comercio justo café cocina receta sopa cena almuerzo fiesta música biblioteca
libros lectura escuela maestras enfermeras salud centro ancianos vecinos calle
parque árboles río puente tren autobús transporte coche eléctrico herramientas
fútbol equipo partido entrenamiento piscina natación baile teatro película noche
boletín artículo editorial escritoras publicación revista historia entrevista
fotos alquiler inquilinos sindicato huelga solidaridad apoyo mutuo crédito ahorro
préstamo banco cuenta factura precio costo excedente dividendo devolución`;
const FILLER_EN =
  "and of to in for on with at from by about this that our we they is are was".split(" ");
const FILLER_ES =
  "y de en para con por sobre este esta nuestra nuestro es son fue los las el".split(" ");

const vocabulary = {
  en: ENGLISH.split(/\s+/),
  es: SPANISH.split(/\s+/),
};

export type Rand = () => number;

export function seeded(seed: number): Rand {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x7fffffff;
  };
}

/** A word from the language's vocabulary, the first ones far more often (Zipf-like). */
function word(rand: Rand, language: "en" | "es") {
  const words = vocabulary[language];
  return words[Math.floor(words.length * rand() ** 2.2)] as string;
}

export function sentence(rand: Rand, language: "en" | "es", words: number): string {
  const filler = language === "en" ? FILLER_EN : FILLER_ES;
  const out: string[] = [];
  for (let i = 0; i < words; i++)
    out.push(
      rand() < 0.35 ? (filler[Math.floor(rand() * filler.length)] as string) : word(rand, language),
    );
  const text = out.join(" ");
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}

/** A post's HTML: one to four paragraphs, maybe a hashtag. */
export function postHtml(rand: Rand, language: "en" | "es", tag: string | null): string {
  const paragraphs = 1 + Math.floor(rand() * rand() * 4);
  const ps: string[] = [];
  for (let i = 0; i < paragraphs; i++)
    ps.push(`<p>${sentence(rand, language, 8 + Math.floor(rand() * 30))}</p>`);
  if (tag)
    ps.push(
      `<p><a href="https://bench.example/tags/${tag}" class="mention hashtag" rel="tag">#<span>${tag}</span></a></p>`,
    );
  return ps.join("");
}
