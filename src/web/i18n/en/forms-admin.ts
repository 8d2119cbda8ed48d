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
};
