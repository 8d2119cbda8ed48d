/** Tables of media storage: the cache of other servers' media (issue 25). */
import type { Generated } from "kysely";

/**
 * A remote image or video we link to (an attachment, an actor's avatar or
 * header), keyed by the SHA-256 of its URL. A row is made when the URL arrives
 * (so only URLs the node was sent can be fetched through it); the bytes are
 * fetched on first view, kept in the media store under remote/ab/<key>, and
 * pruned by age and total size, after which the next view fetches them again.
 */
export interface RemoteMediaTable {
  key: string;
  url: string;
  /** 1 while the bytes are in the store. */
  cached: Generated<number>;
  /** Sniffed from the bytes when fetched. */
  content_type: string | null;
  /** Bytes in the store (0 when not cached). */
  size: Generated<number>;
  fetched_at: string | null;
  last_used_at: string | null;
  /** The last failed fetch: no new attempt for a while after it. */
  failed_at: string | null;
  created_at: string;
}

/** An upload of a refused web form, carried to the form's next try (migration 0046). */
export interface FormUploadsTable {
  upload_id: string;
  owner_id: string;
  created_at: string;
}

export interface StorageSchema {
  remote_media: RemoteMediaTable;
  form_uploads: FormUploadsTable;
}
