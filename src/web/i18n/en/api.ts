/** English messages of the client API's pages: authorizing an app (OAuth consent). */
export const api = {
  "api.authorize.title": "Authorize {app}",
  "api.authorize.lead": "{app} wants to use your account {account}.",
  "api.authorize.scopes": "It asks to:",
  "api.authorize.website": "The app's website: {website}",
  "api.authorize.approve": "Authorize",
  "api.authorize.deny": "Deny",
  "api.authorize.code": "Copy this code into the app:",
  "api.authorize.badClient":
    "This app is not registered here, or its redirect address does not match.",
  "api.authorize.badScope": "The app asks for permissions it did not register.",
  "api.scope.read": "read your posts, timelines, notifications and account",
  "api.scope.write": "post, edit, favourite and boost in your name, and change your profile",
  "api.scope.follow": "follow, block and mute accounts in your name",
  "api.scope.push": "receive your notifications as push messages",
  "api.scope.profile": "read your basic profile",
  "api.scope.granular": "{scope}",
} as const;
