/** Application (docs.joinmastodon.org/entities/Application); credentials only when just created. */
export function serializeApplication(
  app: { id: string; name: string; website: string | null; redirect_uris: string; scopes: string },
  credentials?: { clientId: string; clientSecret: string },
) {
  const uris = JSON.parse(app.redirect_uris) as string[];
  return {
    id: app.id,
    name: app.name,
    website: app.website,
    scopes: app.scopes.split(" "),
    redirect_uri: uris.join("\n"),
    redirect_uris: uris,
    vapid_key: "",
    ...(credentials
      ? {
          client_id: credentials.clientId,
          client_secret: credentials.clientSecret,
          client_secret_expires_at: 0,
        }
      : {}),
  };
}
