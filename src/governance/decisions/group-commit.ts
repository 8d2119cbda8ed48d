/**
 * Group commit: calls that arrive while an earlier batch of the same key is
 * being written wait and are then written together, in one transaction. A lone
 * call waits for nothing (its batch starts at once); under a burst, batches grow
 * by themselves and each caller waits for about two transactions instead of
 * queueing behind every other caller's own. This is how 50 votes cast in the
 * same instant on one decision answer in milliseconds: SQLite has one writer
 * and a transaction's fixed cost (begin, the decision's read, the counter, the
 * event, commit) is paid once per batch; on PostgreSQL the votes no longer queue
 * one by one on the decision's row lock.
 *
 * Each caller's promise settles only after the batch holding its call has
 * committed (or failed): nothing is answered "done" that is not written. When a
 * batch fails as a whole (a database error, a deadlock), each of its calls is
 * retried alone, so one bad call cannot sink the others and none is lost.
 *
 * The queue lives in this process; across processes, the database's
 * constraints and locks still decide (each process batches its own callers).
 */

/** Writes one batch; returns one answer per item, in order. */
export type BatchWriter<I, O> = (items: I[]) => Promise<O[]>;

interface Pending<I, O> {
  item: I;
  resolve: (o: O) => void;
  reject: (e: unknown) => void;
}

export interface GroupCommit<I, O> {
  /** Queue an item under a key; resolves once the batch holding it has committed. */
  submit(key: string, item: I): Promise<O>;
}

/**
 * A batcher per shared resource (a database handle). `maxBatch` caps a batch
 * (statement parameter limits, and so that a flood cannot hold the writer long).
 */
export function groupCommit<I, O>(write: BatchWriter<I, O>, maxBatch = 100): GroupCommit<I, O> {
  const queues = new Map<string, Pending<I, O>[]>();

  async function drain(key: string, queue: Pending<I, O>[]) {
    while (queue.length > 0) {
      // Taken now, after the previous batch committed: everything that arrived meanwhile.
      const batch = queue.splice(0, maxBatch);
      try {
        const answers = await write(batch.map((p) => p.item));
        for (const [i, p] of batch.entries()) p.resolve(answers[i] as O);
      } catch {
        // The batch rolled back as a whole: write each alone, so each gets its own answer or error.
        for (const p of batch)
          await write([p.item]).then(
            (answers) => p.resolve(answers[0] as O),
            (error: unknown) => p.reject(error),
          );
      }
    }
    queues.delete(key);
  }

  return {
    submit(key, item) {
      return new Promise<O>((resolve, reject) => {
        const queue = queues.get(key);
        if (queue) {
          queue.push({ item, resolve, reject });
          return;
        }
        const fresh: Pending<I, O>[] = [{ item, resolve, reject }];
        queues.set(key, fresh);
        // Started on the next microtask, so calls made in the same tick share the first batch.
        queueMicrotask(() => void drain(key, fresh));
      });
    },
  };
}
