/** English messages of feeds and newsletters. */
export const feeds = {
  "feeds.link.rss": "{title} (RSS)",
  "feeds.link.atom": "{title} (Atom)",
  "feeds.link.json": "{title} (JSON Feed)",
  "feeds.member.description": "Public posts by {name} on {coop}",
  "feeds.tag.title": "#{tag} · {coop}",
  "feeds.tag.description": "Public posts tagged #{tag} on {coop}",
  "feeds.local.title": "{coop}: public posts",
  "feeds.local.description": "Public posts by the members of {coop}",
  "feeds.group.description": "Public posts of {name} on {coop}",
  "feeds.subscribe": "Feeds",
};
