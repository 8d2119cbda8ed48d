/**
 * The node's periodic sweeps (polls, decisions, budgeting phases, opsroom alarms,
 * indicators, commons rows, plan rounds, scheduled articles) and the newsletter
 * sender: started with the worker, imported only then (a web-only process never
 * loads them).
 */
import { getLogger } from "@logtape/logtape";
import type { CoopSettingsStore } from "./accounts/coop.ts";
import { smtpMailer } from "./accounts/mail.ts";
import { sweepWithdrawnRows } from "./commons/queries.ts";
import type { Config } from "./config.ts";
import type { Db } from "./db/database.ts";
import { computeDue } from "./economy/opsroom/computed.ts";
import { escalateDue } from "./economy/opsroom/escalation.ts";
import { sweepAlarmMail } from "./economy/opsroom/mail.ts";
import { sweepPlanRounds } from "./economy/plan-rounds/sweep.ts";
import { countWaitingProcesses } from "./governance/budgeting/processes/counting.ts";
import { sweepPhases } from "./governance/budgeting/processes/phases.ts";
import { sweepDecisions } from "./governance/decisions/sweep.ts";
import type { Clock } from "./kernel/clock.ts";
import type { NewsletterContext } from "./media/newsletters/context.ts";
import { type MailTransport, startNewsletterSender } from "./media/newsletters/sender.ts";
import { publishDueArticles } from "./media/scheduler.ts";
import { mailNotices } from "./social/notice-mail.ts";
import { closeEndedPolls } from "./social/polls.ts";
import { decisionReminderMail } from "./web/decision-mail.ts";
import { newsletterComposer } from "./web/feeds/newsletter-mail.ts";
import { noticeMail } from "./web/notice-mail.ts";
import { opsroomAlarmMail } from "./web/opsroom/mail.ts";

const logger = getLogger(["synco", "media"]);
const decisionsLogger = getLogger(["synco", "decisions"]);
const POLL_SWEEP_MS = 15_000;
/** Scheduled articles go out within this of their time. */
const ARTICLE_SWEEP_MS = 15_000;

export interface NodeSweepsParameters {
  readonly db: Db;
  readonly config: Config;
  readonly coop: CoopSettingsStore;
  readonly clock: Clock;
  /** Newsletters go out through the node's SMTP setting; without it they are off. */
  readonly newsletterTransport: MailTransport | null;
  readonly newsletters: () => Promise<NewsletterContext>;
}

/** Starts the sweeps; returns a function that stops them (waiting for one under way). */
export async function startNodeSweeps(p: NodeSweepsParameters): Promise<() => Promise<void>> {
  const { db, config, clock, newsletterTransport } = p;
  const coopName = (await p.coop.get()).name;
  const stopNewsletters = newsletterTransport
    ? startNewsletterSender(
        await p.newsletters(),
        newsletterTransport,
        newsletterComposer(() => coopName, config.origin),
      )
    : async () => {};
  // Polls whose time is up: poll-ended notifications and a last Update(Question).
  const decisionsCtx = {
    db: db.db,
    origin: config.origin,
    domain: config.domain,
    clock,
  };
  const remind = config.smtpUrl
    ? decisionReminderMail(await smtpMailer(config.smtpUrl, config.mailFrom), config.origin)
    : null;
  // Notices staff and group moderators can act on, by mail (claimed once in the database).
  const mailNotice = config.smtpUrl
    ? noticeMail(await smtpMailer(config.smtpUrl, config.mailFrom), config.origin)
    : null;
  const alarmMail = config.smtpUrl
    ? opsroomAlarmMail(await smtpMailer(config.smtpUrl, config.mailFrom))
    : null;
  let counting: Promise<unknown> | null = null;
  let planning: Promise<unknown> | null = null;
  const polls = setInterval(() => {
    // Each closed poll records its event, which wakes the relay (Db.onOutboxWritten).
    closeEndedPolls(db.db, clock).catch(() => undefined);
    // Decisions due to close, open or remind (once each: the state is in the database).
    sweepDecisions(decisionsCtx, remind).catch((error: unknown) =>
      decisionsLogger.error("Decisions sweep failed: {error}", { error }),
    );
    mailNotices(db.db, config, mailNotice).catch((error: unknown) =>
      logger.error("Mailing notices failed: {error}", { error }),
    );
    // Budgeting processes whose phase ended by date move on (once: claimed in the database).
    sweepPhases(decisionsCtx).catch((error: unknown) =>
      decisionsLogger.error("Budgeting phase sweep failed: {error}", { error }),
    );
    // Alarms left waiting past their group's window go up a level (once: claimed in the database).
    escalateDue({ db: db.db, origin: config.origin, clock }).catch((error: unknown) =>
      logger.error("Opsroom escalation sweep failed: {error}", { error }),
    );
    // Alarm notices mailed to who answers for them (once: claimed in the database).
    if (alarmMail)
      sweepAlarmMail({ db: db.db, origin: config.origin, clock }, alarmMail).catch(
        (error: unknown) => logger.error("Alarm mail sweep failed: {error}", { error }),
      );
    // Indicators computed from the marketplace: each ended period's value, once.
    computeDue({ db: db.db, origin: config.origin, clock }).catch((error: unknown) =>
      logger.error("Computing indicators failed: {error}", { error }),
    );
    // Withdrawn commons rows whose exclusion period has begun (found by a partial index).
    sweepWithdrawnRows(db.db, clock.now()).catch((error: unknown) =>
      logger.error("Sweeping withdrawn commons rows failed: {error}", { error }),
    );
    // Budgets past voting and not counted yet (one count at a time: a large one takes seconds).
    counting ??= countWaitingProcesses(decisionsCtx)
      .catch((error: unknown) => logger.error("Counting budgets failed: {error}", { error }))
      .finally(() => {
        counting = null;
      });
    // Plan rounds: solve in a worker thread, deadlines, agreements (one sweep at a time).
    planning ??= sweepPlanRounds({ db: db.db, origin: config.origin, clock })
      .catch((error: unknown) => logger.error("Plan-round sweep failed: {error}", { error }))
      .finally(() => {
        planning = null;
      });
  }, POLL_SWEEP_MS);
  // Scheduled articles: at once (what fell due while the node was down), then every sweep.
  const media = { db: db.db, origin: config.origin, domain: config.domain, clock };
  const publishDue = () =>
    publishDueArticles(media).catch((error) =>
      logger.error("Publishing scheduled articles failed: {error}", { error }),
    );
  // Stopping waits for a sweep under way, so the database is not closed under it.
  let sweeping = publishDue();
  const articles = setInterval(() => {
    sweeping = sweeping.then(publishDue);
  }, ARTICLE_SWEEP_MS);
  return async () => {
    clearInterval(polls);
    await stopNewsletters();
    clearInterval(articles);
    await sweeping;
    await counting;
    await planning;
  };
}
