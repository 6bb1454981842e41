import { NotFoundException } from '@sluice/api';
import { redactConfig } from '../config/password-keys.js';
import type { ConnectorInfo, StandaloneHerder } from '../herder/standalone-herder.js';
import { alterOffsetsBody, type ConnectorOffsetsAdmin } from './connector-offsets.js';
import {
  booleanParam,
  configBody,
  createConnectorBody,
  taskIdParam,
  withConnectorName,
} from './request-bodies.js';
import { badRequest, RestException } from './rest-exception.js';
import type { RestRequest, Router } from './router.js';

function connector(request: RestRequest): string {
  return request.params.connector as string;
}

/**
 * Every response showing a connector's config (or its tasks') goes through here: the values of
 * keys the connector declares PASSWORD are `[hidden]`, as in validate responses. (Kafka Connect
 * shows them as given; see the README.)
 */
function redactor(herder: StandaloneHerder) {
  const config = (name: string, c: Record<string, string>) =>
    redactConfig(c, herder.connectorPasswordKeys(name));
  return {
    config,
    info: (info: ConnectorInfo): ConnectorInfo => ({
      ...info,
      config: config(info.name, info.config),
    }),
  };
}

/** `/connectors/...` (Kafka's ConnectorsResource). */
export function connectorsRoutes(
  router: Router,
  herder: StandaloneHerder,
  offsets: ConnectorOffsetsAdmin,
  topicTracking: { enable: boolean; allowReset: boolean },
): void {
  const shown = redactor(herder);
  router
    .add('GET', '/connectors', (r) => {
      const expand = r.query.getAll('expand');
      if (expand.length === 0) return { status: 200, body: herder.connectorNames() };
      const out: Record<string, Record<string, unknown>> = {};
      for (const name of herder.connectorNames()) {
        try {
          const expansions: Record<string, unknown> = {};
          for (const e of expand) {
            if (e === 'status') expansions.status = herder.connectorStatus(name);
            else if (e === 'info') expansions.info = shown.info(herder.connectorInfo(name));
          }
          out[name] = expansions;
        } catch (error) {
          // Deleted while we listed: left out, as Kafka does.
          if (!(error instanceof NotFoundException)) throw error;
        }
      }
      return { status: 200, body: out };
    })
    .add('POST', '/connectors', async (r) => {
      const { name, config, initialTarget } = createConnectorBody(await r.body());
      const props = withConnectorName(name, config);
      const { info } = await herder.putConnectorConfig(name, props, false, initialTarget);
      return {
        status: 201,
        body: shown.info(info),
        headers: { location: `/connectors/${encodeURIComponent(name)}` },
      };
    })
    .add('GET', '/connectors/{connector}', (r) => ({
      status: 200,
      body: shown.info(herder.connectorInfo(connector(r))),
    }))
    .add('DELETE', '/connectors/{connector}', async (r) => {
      await herder.deleteConnector(connector(r));
      return { status: 204 };
    })
    .add('GET', '/connectors/{connector}/config', (r) => {
      const name = connector(r);
      return { status: 200, body: shown.config(name, herder.connectorConfig(name)) };
    })
    .add('PUT', '/connectors/{connector}/config', async (r) => {
      const name = connector(r);
      const props = withConnectorName(name, configBody(await r.body()));
      const { created, info } = await herder.putConnectorConfig(name, props, true);
      return created
        ? {
            status: 201,
            body: shown.info(info),
            headers: { location: `/connectors/${encodeURIComponent(name)}` },
          }
        : { status: 200, body: shown.info(info) };
    })
    .add('PATCH', '/connectors/{connector}/config', async (r) => {
      const name = connector(r);
      const patch = await r.body();
      const current = herder.connectorConfig(name);
      // KIP-477: null removes a key; other values replace it.
      if (typeof patch !== 'object' || patch === null || Array.isArray(patch))
        throw badRequest('The config patch must be a JSON object');
      const next: Record<string, string> = { ...current };
      const sets: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(patch)) {
        if (v === null) delete next[k];
        else sets[k] = v;
      }
      Object.assign(next, configBody(sets, 'The config patch'));
      const { info } = await herder.putConnectorConfig(name, withConnectorName(name, next), true);
      return { status: 200, body: shown.info(info) };
    })
    .add('GET', '/connectors/{connector}/status', (r) => ({
      status: 200,
      body: herder.connectorStatus(connector(r)),
    }))
    .add('GET', '/connectors/{connector}/tasks', (r) => {
      // The herder puts `${provider:...}` references back in place of resolved secrets.
      const name = connector(r);
      const tasks = herder.taskConfigs(name);
      return {
        status: 200,
        body: tasks.map((t) => ({ id: t.id, config: shown.config(name, t.config) })),
      };
    })
    .add('GET', '/connectors/{connector}/tasks/{task}/status', (r) => ({
      status: 200,
      body: herder.taskStatus(connector(r), taskIdParam(r.params.task)),
    }))
    // Requests between the workers of a cluster (Kafka's InternalClusterResource: any content
    // type); the herder answers whether it can serve them.
    .add(
      'POST',
      '/connectors/{connector}/tasks',
      async (r) => {
        await herder.putTaskConfigs(connector(r), await r.body());
        return { status: 204 };
      },
      { anyContentType: true },
    )
    .add(
      'PUT',
      '/connectors/{connector}/fence',
      async (r) => {
        await herder.fenceZombieSourceTasks(connector(r));
        return { status: 204 };
      },
      { anyContentType: true },
    )
    .add('POST', '/connectors/{connector}/tasks/{task}/restart', async (r) => {
      await herder.restartTask(connector(r), taskIdParam(r.params.task));
      return { status: 204 };
    })
    .add('POST', '/connectors/{connector}/restart', async (r) => {
      const includeTasks = booleanParam(r.query, 'includeTasks');
      const onlyFailed = booleanParam(r.query, 'onlyFailed');
      const status = await herder.restartConnector(connector(r), { includeTasks, onlyFailed });
      // Kafka keeps the old answer (no body) for a plain restart of the connector alone.
      if (!includeTasks && !onlyFailed) return { status: 204 };
      return { status: 202, body: status };
    })
    .add('PUT', '/connectors/{connector}/pause', async (r) => {
      await herder.pauseConnector(connector(r));
      return { status: 202 };
    })
    .add('PUT', '/connectors/{connector}/resume', async (r) => {
      await herder.resumeConnector(connector(r));
      return { status: 202 };
    })
    .add('PUT', '/connectors/{connector}/stop', async (r) => {
      await herder.stopConnector(connector(r));
      return { status: 204 };
    })
    .add('GET', '/connectors/{connector}/topics', (r) => {
      if (!topicTracking.enable) throw new RestException(403, 'Topic tracking is disabled.');
      const name = connector(r);
      return { status: 200, body: { [name]: { topics: herder.connectorActiveTopics(name) } } };
    })
    .add('PUT', '/connectors/{connector}/topics/reset', (r) => {
      if (!topicTracking.enable) throw new RestException(403, 'Topic tracking is disabled.');
      if (!topicTracking.allowReset)
        throw new RestException(403, 'Topic tracking reset is disabled.');
      herder.resetConnectorActiveTopics(connector(r));
      return { status: 202 };
    })
    .add('GET', '/connectors/{connector}/offsets', async (r) => ({
      status: 200,
      body: await herder.connectorOffsets(connector(r)),
    }))
    .add('PATCH', '/connectors/{connector}/offsets', async (r) => {
      // As Kafka: an empty request first (400), then an unknown connector (404).
      const alterations = alterOffsetsBody(await r.body());
      const name = connector(r);
      herder.connectorConfig(name);
      return { status: 200, body: await offsets.alter(name, alterations) };
    })
    .add('DELETE', '/connectors/{connector}/offsets', async (r) => ({
      status: 200,
      body: await offsets.reset(connector(r)),
    }));
}
