// The event stream (docs/event-stream.md) as a browser subscribes to it: the token travels as the
// WebSocket subprotocol ("bearer", token), never in the URL; every close is followed by a reconnect
// with after=<last id seen>, so nothing is missed or repeated across a reconnect.
import { token } from './auth.js';
import { announce } from './dom.js';

const RETRY_MS = 1000;

export class EventStream {
  /**
   * @param filter {types: 'device.*,command.*', devices: 'id1,id2'} (either may be empty)
   * @param onEvent called with each event object, in id order
   * @param onOpen called with true when the connection resumed after a known id, false on a fresh start
   *   (then the page reloads what it shows, since events before the subscription are not replayed)
   */
  constructor(filter, onEvent, onOpen = () => {}) {
    this.filter = filter;
    this.onEvent = onEvent;
    this.onOpen = onOpen;
    this.last = null;
    this.closed = false;
    this.connect();
  }

  connect() {
    const url = new URL('/api/v1/events', location.href);
    url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
    if (this.filter.types) url.searchParams.set('types', this.filter.types);
    if (this.filter.devices) url.searchParams.set('devices', this.filter.devices);
    if (this.last !== null) url.searchParams.set('after', this.last);
    const resumed = this.last !== null;
    this.socket = new WebSocket(url, ['bearer', token()]);
    this.socket.onopen = () => {
      this.onOpen(resumed);
    };
    this.socket.onmessage = (message) => {
      const event = JSON.parse(message.data);
      this.last = event.id;
      this.onEvent(event);
    };
    this.socket.onclose = (close) => {
      if (this.closed) return;
      announce(`Event stream closed (${close.code}${close.reason ? ` ${close.reason}` : ''}); reconnecting`
        + (this.last !== null ? ` after event ${this.last}` : ''));
      this.timer = setTimeout(() => this.connect(), RETRY_MS);
    };
  }

  close() {
    this.closed = true;
    clearTimeout(this.timer);
    if (this.socket.readyState === WebSocket.CONNECTING) {
      // closing a socket still connecting makes the browser report a failed connection: close once open
      this.socket.onopen = () => this.socket.close(1000);
    } else {
      this.socket.close(1000);
    }
  }
}
