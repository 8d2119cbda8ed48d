/** Messages of forms that keep what people typed, and of the admin and moderation screens (issue 23). */
export const formsAdmin = {
  "upload.fileTooLarge": "{name} is {size} MB; the limit is {max} MB.",
  "upload.fileNotImage": "{name} is not an image; use JPEG, PNG, WebP, GIF or AVIF.",
  "upload.formTooLarge":
    "What you sent is {size} MB; a form can carry at most {max} MB. Go back and pick smaller images.",
  "upload.kept": "Already uploaded: no need to pick it again.",
  "upload.remove": "Remove this image",
  "upload.gone": "This image was not kept; pick it again.",
  "groups.fed.unknownDelegates":
    "{count, plural, one {No active member is called {names}.} other {No active members are called {names}.}} Use members' usernames.",
  "admin.setup.title": "First steps for your co-op",
  "admin.setup.progress": "{done} of {total} done",
  "admin.setup.name": "Give the co-op its name",
  "admin.setup.rules": "Write the co-op's rules",
  "admin.setup.registration": "Choose who can join",
  "admin.setup.invite": "Make the first invite",
  "admin.setup.done": "(done)",
  "admin.setup.todo": "(to do)",
  "confirm.cancel": "Cancel",
  "groups.manage.banTitle": "Ban from {group}?",
  "groups.manage.banQuestion":
    "{who} will be removed from {group} and cannot join again until the ban is lifted.",
  "groups.manage.invitedHeading": "Invited",
  "groups.leaveTitle": "Leave {group}?",
  "groups.leaveQuestion":
    "You will no longer be a member of {group}. To come back you will have to join again.",
  "moderation.aPost": "a post",
  "social.mod.deletePost": "Delete this post",
  "social.mod.dismiss": "Dismiss",
  "social.mod.postsGone":
    "{count, plural, one {# reported post is no longer there.} other {# reported posts are no longer there.}}",
  "social.mod.suspendAccount": "Suspend the account…",
  "social.mod.suspendTitle": "Suspend {name}?",
  "social.mod.suspendQuestion":
    "{who} will be suspended: a member here cannot log in and their posts are hidden; an account elsewhere is refused.",
  "admin.applied": "Applied",
};
