import type { Logger } from '@stream-smarts/contracts';
import type { SilenceBook } from './silences/model.js';
import type { HomeAssistantClient } from './sinks/home-assistant.js';

/** Whether nobody is home right now, and what says so (for logs and texts). */
export interface AwayDetector {
  isAway(): Promise<{ away: boolean; source: string }>;
}

/**
 * Away mode from Home Assistant's presence, as its integrations set the state:
 * - person (homeassistant/components/person/__init__.py): "home", "not_home" or the name of
 *   another zone — away unless "home";
 * - group of persons or device trackers (homeassistant/components/group/: the group's on/off
 *   states for presence are "home"/"not_home") — away when "not_home";
 * - zone (homeassistant/components/zone/__init__.py: the state is the number of persons in the
 *   zone) — away when "0".
 * Looked up when an alert is about to go out (cached for a minute). When Home Assistant cannot be
 * asked or the entity is unavailable, nobody is assumed away: an alert too many beats one held.
 */
export class HomeAssistantAway implements AwayDetector {
  private cached: { at: number; value: { away: boolean; source: string } } | undefined;

  constructor(
    private readonly client: HomeAssistantClient,
    private readonly entityId: string,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
    private readonly cacheMs = 60_000,
  ) {}

  async isAway(): Promise<{ away: boolean; source: string }> {
    const now = this.now();
    if (this.cached && now - this.cached.at < this.cacheMs) return this.cached.value;
    let value: { away: boolean; source: string };
    try {
      const s = await this.client.state(this.entityId);
      if (s === null || s.state === 'unavailable' || s.state === 'unknown') {
        this.log.warn({ entity: this.entityId, state: s?.state ?? 'missing' }, 'away entity has no usable state; assuming somebody is home');
        value = { away: false, source: `${this.entityId} ${s?.state ?? 'missing'}` };
      } else {
        const domain = this.entityId.split('.')[0];
        const away = domain === 'zone' ? Number(s.state) === 0 : domain === 'group' ? s.state === 'not_home' : s.state !== 'home';
        value = { away, source: `${this.entityId} is ${s.state}` };
      }
    } catch (e) {
      this.log.warn({ entity: this.entityId, err: (e as Error).message }, 'could not ask Home Assistant who is home; assuming somebody is');
      value = { away: false, source: `${this.entityId} unknown` };
    }
    this.cached = { at: now, value };
    return value;
  }
}

/** Away mode switched by hand (`stream-smarts away on|off`), read from the silences store. */
export class ManualAway implements AwayDetector {
  constructor(private readonly book: () => SilenceBook) {}

  async isAway(): Promise<{ away: boolean; source: string }> {
    const r = this.book().away();
    return r?.away ? { away: true, source: `away mode on since ${new Date(r.updatedAt).toISOString()}${r.comment ? ` (${r.comment})` : ''}` } : { away: false, source: 'away mode off' };
  }
}
