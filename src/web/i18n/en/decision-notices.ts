/** What members are told about decisions outside their pages: notifications and reminder mail. */
export const decisionNotices = {
  "social.notification.decision_opened": "{name} opened a decision you may vote on",
  "social.notification.decision_reminder":
    "A decision in {name} closes soon and you have not voted",
  "social.notification.decision_outcome": "{name} recorded the outcome of a decision",
  "decisions.mail.reminder.subject": "Reminder: “{title}” closes soon",
  "decisions.mail.reminder.text":
    "The decision “{title}” in {group} closes on {date} and you have not voted yet.\n\nVote here: {url}\n",
};
