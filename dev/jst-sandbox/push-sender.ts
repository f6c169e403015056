import { signLegacy, signOpen } from '../../shared/jst/signers';
import { formatBeijing } from '../../shared/domain/beijing-time';
import { seededRandom } from './seeded-random';
import type { SandboxCredentials } from './token-authority';
import type { SandboxOrder, SandboxShipment, SandboxState } from './sandbox-state';

/**
 * The sandbox ERP's pushes to a store's callback address (docs/erp-push.md): what the ERP would send
 * on stock changes (`inventory.upload`), shipments (`logistics.upload`) and cancellations
 * (`cancel.order`), signed as the ERP would, in the legacy shape (query method/partnerid/token/ts/sign,
 * JSON body) or the open-platform twin we chose (form fields app_key/timestamp/charset/version/method/
 * biz/sign) [U].
 *
 * Hostile on request, per push (`mode`) or as a share of the automatic ones (`behaviour`):
 * forged (bad sign), replayed (the same push again, later), duplicated (twice at once), late (ts
 * outside the window), out-of-order (an older push after a newer one), malformed (not JSON / wrong
 * shape), dropped (never sent) and wrong (a qty that is not the ERP's figure).
 */
export type PushMode = 'normal' | 'forged' | 'replayed' | 'duplicated' | 'late' | 'out-of-order' | 'malformed' | 'wrong-shape' | 'dropped' | 'wrong';
export type PushMethodName = 'inventory.upload' | 'logistics.upload' | 'cancel.order';

export interface PushBehaviour {
  /** Automatic pushes on stock changes, shipments, cancellations (default true once a target is set). */
  enabled?: boolean;
  generation?: 'legacy' | 'open';
  /** Shares (0..1) of automatic pushes sent in each hostile mode (drawn with a seeded PRNG). */
  forged?: number;
  duplicated?: number;
  late?: number;
  malformed?: number;
  dropped?: number;
  wrong?: number;
  /** Stock changes within this many ms are sent as one inventory.upload (default 20). */
  batchMs?: number;
  /** How far outside the window a late push's ts lies, seconds before now (default 900). */
  lateSeconds?: number;
  seed?: number;
}

/** One push as sent (the admin API lists them): no body, so nothing personal is listed either. */
export interface SentPush {
  id: number;
  at: number;
  method: string;
  generation: 'legacy' | 'open';
  mode: PushMode;
  keys: string[];
  /** HTTP status and the reply body, or the transport error; absent while in flight or when dropped. */
  status?: number;
  reply?: unknown;
  error?: string;
}

interface Prepared {
  url: string;
  init: { method: string; headers: Record<string, string>; body: string };
}

const SENT_MAX = 2000;

export class PushSender {
  private target: string | undefined;
  private behaviour: Required<Omit<PushBehaviour, 'seed'>> = defaults();
  private random = seededRandom(7);
  private readonly log: SentPush[] = [];
  private nextId = 1;
  private pendingSkus = new Set<string>();
  private flushTimer: NodeJS.Timeout | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private last: { method: string; prepared: Prepared; keys: string[]; generation: 'legacy' | 'open' } | undefined;
  /** Pushes held back to be sent after a newer one (out-of-order). */
  private held: Array<{ method: PushMethodName; body: unknown; keys: string[]; tsSeconds: number }> = [];

  constructor(
    private readonly credentials: SandboxCredentials,
    private readonly state: SandboxState,
    private readonly now: () => number,
  ) {}

  setTarget(url: string | undefined): void {
    this.target = url;
  }

  get targetUrl(): string | undefined {
    return this.target;
  }

  setBehaviour(next: PushBehaviour): void {
    const { seed, ...rest } = next;
    this.behaviour = { ...defaults(), ...stripUndefined(rest) };
    if (seed !== undefined) this.random = seededRandom(seed);
  }

  get currentBehaviour(): PushBehaviour {
    return { ...this.behaviour };
  }

  sent(): SentPush[] {
    return this.log.slice();
  }

  clear(): void {
    this.log.length = 0;
    this.pendingSkus.clear();
    this.held = [];
    this.last = undefined;
  }

  /** Resolves when every push queued or in flight has been answered. */
  async idle(): Promise<void> {
    if (this.flushTimer) {
      clearTimeout(this.flushTimer);
      this.flushTimer = undefined;
      this.flushStock();
    }
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  // ---- automatic pushes (SandboxState's listener) ----

  stockChanged(sku: string): void {
    if (!this.automatic()) return;
    this.pendingSkus.add(sku);
    this.flushTimer ??= setTimeout(() => {
      this.flushTimer = undefined;
      this.flushStock();
    }, this.behaviour.batchMs);
  }

  shipped(shipments: readonly SandboxShipment[]): void {
    if (!this.automatic()) return;
    for (const s of shipments) this.sendAutomatic('logistics.upload', this.logisticsBody(s), [s.so_id]);
  }

  cancelled(order: SandboxOrder): void {
    if (!this.automatic()) return;
    this.sendAutomatic('cancel.order', cancelBody(order), [order.so_id]);
  }

  // ---- pushes on request ----

  /**
   * Sends one push now in `mode`: for inventory.upload the SKUs' current ERP figures (`skus`), for
   * logistics.upload the shipments of `soIds` (or `body` as given), for cancel.order `soIds`.
   */
  async sendOnRequest(request: {
    method: PushMethodName;
    skus?: string[];
    soIds?: string[];
    body?: unknown;
    mode?: PushMode;
    generation?: 'legacy' | 'open';
  }): Promise<SentPush[]> {
    const mode = request.mode ?? 'normal';
    const { body, keys } =
      request.body !== undefined ? { body: request.body, keys: [] as string[] } : this.bodyFor(request.method, request.skus, request.soIds, mode);
    const before = this.log.length;
    await this.dispatch(request.method, body, keys, mode, request.generation ?? this.behaviour.generation);
    await this.idle();
    return this.log.slice(before);
  }

  private bodyFor(method: PushMethodName, skus: string[] = [], soIds: string[] = [], mode: PushMode): { body: unknown; keys: string[] } {
    if (method === 'inventory.upload') return { body: this.inventoryBody(skus, mode === 'wrong'), keys: skus };
    if (method === 'logistics.upload') {
      const shipments = soIds.flatMap((so) => this.state.shipmentsOf([so], undefined));
      const one = shipments[0];
      return { body: one ? this.logisticsBody(one) : { so_id: soIds[0] ?? '', o_id: 0, l_id: '', lc_id: '', logistics_company: '', items: [] }, keys: soIds };
    }
    const order = soIds[0] === undefined ? undefined : [...this.state.orders.values()].find((o) => o.so_id === soIds[0]);
    return { body: order ? cancelBody(order) : { so_id: soIds[0] ?? '' }, keys: soIds };
  }

  private automatic(): boolean {
    return this.target !== undefined && this.behaviour.enabled;
  }

  private flushStock(): void {
    const skus = [...this.pendingSkus];
    this.pendingSkus.clear();
    if (skus.length === 0) return;
    const wrong = this.draw(this.behaviour.wrong);
    this.sendAutomatic('inventory.upload', this.inventoryBody(skus, wrong), skus, wrong ? 'wrong' : undefined);
  }

  private sendAutomatic(method: PushMethodName, body: unknown, keys: string[], forced?: PushMode): void {
    const b = this.behaviour;
    const mode: PushMode =
      forced ??
      (this.draw(b.dropped)
        ? 'dropped'
        : this.draw(b.forged)
          ? 'forged'
          : this.draw(b.late)
            ? 'late'
            : this.draw(b.malformed)
              ? 'malformed'
              : this.draw(b.duplicated)
                ? 'duplicated'
                : 'normal');
    void this.dispatch(method, body, keys, mode, b.generation);
  }

  private async dispatch(method: PushMethodName, body: unknown, keys: string[], mode: PushMode, generation: 'legacy' | 'open'): Promise<void> {
    const nowSeconds = Math.floor(this.now() / 1000);
    switch (mode) {
      case 'dropped':
        this.record({ method, generation, mode, keys });
        return;
      case 'replayed': {
        if (!this.last) throw new Error('nothing sent yet to replay');
        const { prepared, keys: lastKeys } = this.last;
        return this.deliver(this.last.method, this.last.generation, 'replayed', lastKeys, prepared);
      }
      case 'out-of-order': {
        // This push is held and sent right after the next one, carrying its older ts.
        this.held.push({ method, body, keys, tsSeconds: nowSeconds });
        this.record({ method, generation, mode, keys, status: 0, reply: 'held until the next push' });
        return;
      }
      default:
        break;
    }
    const ts = mode === 'late' ? nowSeconds - this.behaviour.lateSeconds : nowSeconds;
    const text = mode === 'malformed' ? '{"sku_id": "not json' : JSON.stringify(mode === 'wrong-shape' ? { unexpected: body } : body);
    const prepared = this.prepare(method, text, ts, generation, mode === 'forged');
    const sends = [this.deliver(method, generation, mode, keys, prepared)];
    if (mode === 'duplicated') sends.push(this.deliver(method, generation, mode, keys, prepared));
    if (mode === 'normal' || mode === 'wrong') this.last = { method, prepared, keys, generation };
    const held = this.held;
    this.held = [];
    await Promise.all(sends);
    for (const h of held)
      await this.deliver(h.method, generation, 'out-of-order', h.keys, this.prepare(h.method, JSON.stringify(h.body), h.tsSeconds, generation, false));
  }

  private prepare(method: string, text: string, ts: number, generation: 'legacy' | 'open', forged: boolean): Prepared {
    if (!this.target) throw new Error('no push target: POST /__admin/push/target {"url":"…"} first');
    if (generation === 'legacy') {
      const { partnerId, partnerKey, token } = this.credentials.legacy;
      const sign = signLegacy({ method, partnerId, token, ts, partnerKey: forged ? `${partnerKey}-forged` : partnerKey });
      const query = new URLSearchParams({ method, partnerid: partnerId, token, ts: String(ts), sign });
      return {
        url: `${this.target}${this.target.includes('?') ? '&' : '?'}${query}`,
        init: { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8' }, body: text },
      };
    }
    const { appKey, appSecret } = this.credentials.open;
    const fields: Record<string, string> = { app_key: appKey, timestamp: String(ts), charset: 'utf-8', version: '2', method, biz: text };
    fields.sign = signOpen(fields, forged ? `${appSecret}-forged` : appSecret);
    return {
      url: this.target,
      init: { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body: new URLSearchParams(fields).toString() },
    };
  }

  private deliver(method: string, generation: 'legacy' | 'open', mode: PushMode, keys: string[], prepared: Prepared): Promise<void> {
    const entry = this.record({ method, generation, mode, keys });
    const sending = (async () => {
      try {
        const res = await fetch(prepared.url, { ...prepared.init, signal: AbortSignal.timeout(5000) });
        entry.status = res.status;
        const text = await res.text();
        try {
          entry.reply = JSON.parse(text);
        } catch {
          entry.reply = text.slice(0, 200);
        }
      } catch (error) {
        entry.error = (error as Error).message;
      }
    })();
    this.inFlight.add(sending);
    void sending.finally(() => this.inFlight.delete(sending));
    return sending;
  }

  private record(fields: Omit<SentPush, 'id' | 'at'>): SentPush {
    const entry: SentPush = { id: this.nextId++, at: this.now(), ...fields };
    this.log.push(entry);
    if (this.log.length > SENT_MAX) this.log.splice(0, this.log.length - SENT_MAX);
    return entry;
  }

  private draw(share: number): boolean {
    return share > 0 && this.random() < share;
  }

  private inventoryBody(skus: readonly string[], wrong: boolean): unknown[] {
    return skus.map((sku) => {
      const view = this.state.stockView(sku, undefined);
      const qty = Number(view?.qty ?? 0) - Number(view?.order_lock ?? 0);
      return { sku_id: sku, qty: wrong ? qty + 1000 : qty, modified: view?.modified ?? formatBeijing(this.now()) };
    });
  }

  private logisticsBody(s: SandboxShipment): Record<string, unknown> {
    const order = this.state.order(s.shop_id, s.so_id);
    const items = Array.isArray(order?.payload.items) ? (order.payload.items as Array<Record<string, unknown>>) : [];
    return {
      o_id: s.o_id,
      so_id: s.so_id,
      shop_id: s.shop_id,
      send_date: formatBeijing(s.sendMs),
      l_id: s.l_id,
      lc_id: s.lc_id,
      logistics_company: s.logistics_company,
      is_send_all: true,
      // Some sources carry receiver data in this push: the receiver must never log or keep it.
      receiver_name: '张三',
      receiver_mobile: '13800138000',
      receiver_address: '上海市浦东新区世纪大道 100 号',
      items: items.map((i) => ({ sku_id: i.sku_id, qty: i.qty, outer_oi_id: i.outer_oi_id })),
    };
  }
}

function cancelBody(order: SandboxOrder): Record<string, unknown> {
  return { so_id: order.so_id, o_id: order.o_id, shop_id: order.shop_id, status: order.status, cancel_reason: 'ERP 取消' };
}

function defaults(): Required<Omit<PushBehaviour, 'seed'>> {
  return { enabled: true, generation: 'legacy', forged: 0, duplicated: 0, late: 0, malformed: 0, dropped: 0, wrong: 0, batchMs: 20, lateSeconds: 900 };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
