import type { Logger } from "pino";
import type { Clock } from "../../core/clock.js";
import { systemScope } from "../../core/scope.js";
import type { Orm } from "../../db/orm.js";
import type { AttachmentService } from "./attachment.service.js";

const SWEEP_EVERY_MS = 15 * 60_000;

/**
 * Removes uploads never attached (AttachmentService.purgeUnattachedUploads) every 15 minutes.
 * A timer of its own until the job runner takes it over.
 */
export class AttachmentSweeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(
    private readonly orm: Orm,
    private readonly attachments: AttachmentService,
  ) {}

  start(clock: () => Clock, logger: Pick<Logger, "error" | "info">): void {
    const pass = () => {
      if (this.running) return;
      const scope = systemScope(this.orm.em.fork(), clock(), "attachment-sweep");
      this.running = this.attachments
        .purgeUnattachedUploads(scope, clock().now())
        .then((deleted) => deleted && logger.info({ deleted }, "unattached uploads removed"))
        .catch((error: unknown) => logger.error({ err: error }, "removing unattached uploads failed"))
        .finally(() => (this.running = undefined));
    };
    this.timer = setInterval(pass, SWEEP_EVERY_MS);
    this.timer.unref();
    pass();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
