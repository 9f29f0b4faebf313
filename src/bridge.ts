import type { Config } from './config.js';
import { createApp } from './app.js';
import { JumpCloudTransport } from './jumpcloud/client.js';
import { loadAttributeTable } from './mapping/attribute-table.js';
import type { Logger } from './observability/logger.js';
import type { ExchangeSink } from './observability/exchange.js';
import { Users } from './resources/users.js';
import { GroupsResource, groupsOfUser } from './resources/groups.js';
import { loadGroupTable } from './mapping/group-table.js';
import { KeyedLock } from './util/keyed-lock.js';
import { createDebugPage, DEBUG_PATH, type DebugPage } from './debug/debug-page.js';
import type express from 'express';

export interface Bridge {
  app: express.Express;
  transport: JumpCloudTransport;
  users: Users;
  /** Present when DEBUG_PAGE=true: the page's ring buffer, for tools that want the recent exchanges. */
  debug?: DebugPage;
  close(): void;
}

/** Everything wired from one validated Config: the process entry, the sandbox, `explain` and the tests share it. */
export function createBridge(config: Config, logger: Logger, sinks: ExchangeSink[] = []): Bridge {
  const table = loadAttributeTable(config.mappingFile, { deriveUsernameFromEmail: config.deriveUsernameFromEmail });
  const transport = new JumpCloudTransport({
    baseUrl: config.jumpcloudUrl,
    ...(config.jumpcloudOrgId ? { orgId: config.jumpcloudOrgId } : {}),
    timeoutMs: config.upstreamTimeoutMs,
    retry: config.retry,
    dryRun: config.dryRun,
  });
  const locks = new KeyedLock();
  const users = new Users(table.users, config, locks, (jc, id, base) => groupsOfUser(jc, id, base, config.memberConcurrency));
  const groups = new GroupsResource(loadGroupTable(table.raw, config.mappingFile), config, locks);
  const debug = config.debugPage.enabled ? createDebugPage({ config, users: table.users, schemas: () => [users.schema, groups.schema] }) : undefined;
  const app = createApp({
    config,
    logger,
    transport,
    users,
    groups,
    sinks: debug ? [...sinks, debug.buffer] : sinks,
    ...(debug ? { extraRouters: [{ path: DEBUG_PATH, router: debug.router }] } : {}),
  });
  return { app, transport, users, ...(debug ? { debug } : {}), close: () => transport.close() };
}
