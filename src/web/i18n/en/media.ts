/** English messages of the media pages: the /media front page, the public article page. */
export const media = {
  "media.lead":
    "Articles by the co-op's members and publications, written here and read anywhere: on the web, in a feed reader or from the fediverse.",
  "media.latest": "Latest articles",
  "media.none": "No articles have been published yet.",
  "media.publications": "Publications",
  "media.publications.none": "No publications yet.",
  "media.write": "Write an article",
  "media.by": "By {name}",
  "media.readingTime": "{minutes} min read",
  "media.published": "Published {date}",
  "media.edited": "Updated {date}",
  "media.in": "In {publication}",
  "media.tags": "Tags",
  "media.follow":
    "Follow {name} from Mastodon or any fediverse app: search for {handle}. Replies there appear here as comments.",
  "media.comments": "Comments",
  "media.comments.count": "Comments ({count})",
  "media.comments.none": "No comments yet. Reply from the fediverse to comment.",
  "media.comments.reply": "Reply",
  "media.comments.signin": "Log in to comment, or reply from any fediverse account.",
  "media.comments.locked": "Comments are closed.",
  "media.comment.inReplyTo": "in reply to {name}",
};
