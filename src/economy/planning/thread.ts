/**
 * One worker thread per CPU-bound job (a round's solve): the job's data goes in
 * as workerData, its one reply comes back, and the thread exits — so the web
 * keeps answering, and the WebAssembly heap HiGHS grows is returned with it.
 */
import { Worker } from "node:worker_threads";

/** Runs `url` with `data`; `settle` turns the reply into the result (or throws to reject). */
export function runInThread<Reply, T>(
  url: URL,
  data: unknown,
  settle: (reply: Reply) => T,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(url, { workerData: data });
    let settled = false;
    worker.once("message", (reply: Reply) => {
      settled = true;
      try {
        resolve(settle(reply));
      } catch (error) {
        reject(error);
      }
    });
    worker.once("error", (error) => {
      settled = true;
      reject(error);
    });
    worker.once("exit", (code) => {
      if (!settled) reject(new Error(`the worker thread exited (code ${code}) without an answer`));
    });
  });
}
