/**
 * Conditional GET (RFC 9110 13.1): If-None-Match wins over If-Modified-Since;
 * either matching answers 304 Not Modified. Pure, so the route stays a few lines.
 */

export interface Validators {
  etag: string;
  /** An HTTP-date. */
  lastModified: string;
}

export interface ConditionalHeaders {
  ifNoneMatch?: string | undefined;
  ifModifiedSince?: string | undefined;
}

/** The request's cached copy is still current. */
export function isNotModified(request: ConditionalHeaders, current: Validators): boolean {
  if (request.ifNoneMatch !== undefined) {
    // A weak comparison (13.1.2): W/"x" matches "x". The header is capped: a
    // list of a thousand tags is not a reader's cached copy.
    const tags = request.ifNoneMatch.slice(0, 2_000).split(",");
    const opaque = (tag: string) => tag.trim().replace(/^W\//, "");
    return tags.some((tag) => tag.trim() === "*" || opaque(tag) === opaque(current.etag));
  }
  if (request.ifModifiedSince !== undefined) {
    const since = Date.parse(request.ifModifiedSince);
    const modified = Date.parse(current.lastModified);
    return Number.isFinite(since) && Number.isFinite(modified) && modified <= since;
  }
  return false;
}
