// The webcam as a ScanSource, for the renderer: frames come from getUserMedia through
// a canvas at a set rate, one decode at a time. A code held in front of the camera is
// reported once: it is not reported again while it stays in view, nor until it has
// been out of view for the hold window. No Node imports: this runs in Chromium.
import { PolledSource, retryingEvery } from '../polled-source.js';
import type { CameraDecoder } from './decoder.js';
import type { Frame } from './frame.js';

/** Where frames come from; the browser one is UserMediaGrabber, tests pass their own. */
export interface FrameGrabber {
  start(): Promise<void>;
  /** The current frame, or null when none is ready yet. */
  grab(): Frame | null;
  stop(): void;
  /** Called when the camera goes away (unplugged, taken by another app). */
  onEnded?: (reason: string) => void;
}

export interface CameraSourceOptions {
  decoder: CameraDecoder;
  /** Defaults to a UserMediaGrabber with the default camera. */
  grabber?: FrameGrabber;
  /** Frames decoded per second. Default 10. */
  fps?: number;
  /** A code seen again within this many ms of last being seen is not reported again. Default 3000. */
  holdMs?: number;
  /** How often to try the camera again after it failed or went away. Default 2000 ms. */
  retryMs?: number;
  name?: string;
  now?: () => number;
}

export class CameraSource extends PolledSource {
  readonly name: string;
  private readonly grabber: FrameGrabber;
  private readonly decoder: CameraDecoder;
  private readonly intervalMs: number;
  private readonly holdMs: number;
  private readonly retryMs: number;
  private readonly now: () => number;
  private busy = false;
  private last: { text: string; seen: number } | null = null;

  constructor(options: CameraSourceOptions) {
    super();
    this.decoder = options.decoder;
    this.grabber = options.grabber ?? new UserMediaGrabber();
    this.intervalMs = 1000 / Math.min(Math.max(options.fps ?? 10, 0.2), 60);
    this.holdMs = options.holdMs ?? 3000;
    this.retryMs = options.retryMs ?? 2000;
    this.now = options.now ?? (() => Date.now());
    this.name = options.name ?? 'camera';
    this.grabber.onEnded = (reason) => {
      if (!this.running) return;
      this.setStatus('disconnected', `camera went away (${reason})${retryingEvery(this.retryMs)}`);
      this.grabber.stop();
      this.schedule(this.retryMs, () => this.open());
    };
  }

  protected async release(): Promise<void> {
    this.grabber.stop();
  }

  /** Grabs and decodes one frame; the timer calls this, tests may too. */
  async pump(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const frame = this.grabber.grab();
      if (!frame) return;
      const found = await this.decoder.decode(frame);
      if (!found) return;
      const now = this.now();
      const held = this.last && this.last.text === found.text && now - this.last.seen < this.holdMs;
      this.last = { text: found.text, seen: now };
      if (held) return;
      this.emit('scan', { text: found.text, symbology: found.symbology, source: this.name, at: Date.now() });
    } catch (err) {
      this.setStatus('error', `frame dropped: ${(err as Error).message}`);
    } finally {
      this.busy = false;
    }
  }

  protected async open(): Promise<void> {
    if (!this.running) return;
    try {
      await this.grabber.start();
    } catch (err) {
      const e = err as { name?: string; message?: string };
      // NotAllowedError: the user or policy refused; NotFoundError: no camera attached.
      const state = e.name === 'NotFoundError' || e.name === 'OverconstrainedError' ? 'disconnected' : 'error';
      this.setStatus(state, `camera unavailable (${e.name ?? 'Error'}: ${e.message ?? ''})${retryingEvery(this.retryMs)}`);
      this.schedule(this.retryMs, () => this.open());
      return;
    }
    if (!this.running) return this.grabber.stop();
    const engine = this.decoder.fallbackReason ? `${this.decoder.engine} (${this.decoder.fallbackReason})` : this.decoder.engine;
    this.setStatus('connected', `camera open, decoding with ${engine}`);
    this.loop();
  }

  private loop(): void {
    this.schedule(this.intervalMs, async () => {
      await this.pump();
      if (this.running && this.status.state !== 'disconnected') this.loop();
    });
  }
}

export interface UserMediaGrabberOptions {
  /** Passed to getUserMedia. Default: the environment-facing camera at 1280×720 if it has one. */
  constraints?: MediaStreamConstraints;
  /** Frames wider than this are scaled down before decoding. Default 1280. */
  maxWidth?: number;
}

/** Pulls frames from getUserMedia through an offscreen canvas. */
export class UserMediaGrabber implements FrameGrabber {
  onEnded?: (reason: string) => void;
  private stream: MediaStream | undefined;
  private video: HTMLVideoElement | undefined;
  private context: OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D | undefined;

  constructor(private readonly options: UserMediaGrabberOptions = {}) {}

  async start(): Promise<void> {
    const constraints = this.options.constraints ?? {
      video: { facingMode: 'environment', width: { ideal: 1280 }, height: { ideal: 720 } },
      audio: false,
    };
    const stream = await navigator.mediaDevices.getUserMedia(constraints);
    const video = document.createElement('video');
    video.muted = true;
    video.playsInline = true;
    video.srcObject = stream;
    await video.play();
    for (const track of stream.getVideoTracks()) track.addEventListener('ended', () => this.onEnded?.('track ended'));
    this.stream = stream;
    this.video = video;
  }

  grab(): Frame | null {
    const video = this.video;
    if (!video || video.readyState < 2 || video.videoWidth === 0) return null;
    const scale = Math.min(1, (this.options.maxWidth ?? 1280) / video.videoWidth);
    const width = Math.round(video.videoWidth * scale);
    const height = Math.round(video.videoHeight * scale);
    const ctx = this.canvas(width, height);
    ctx.drawImage(video, 0, 0, width, height);
    return ctx.getImageData(0, 0, width, height);
  }

  stop(): void {
    for (const track of this.stream?.getTracks() ?? []) track.stop();
    if (this.video) this.video.srcObject = null;
    this.stream = undefined;
    this.video = undefined;
  }

  private canvas(width: number, height: number): OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D {
    const c = this.context?.canvas;
    if (this.context && c && c.width === width && c.height === height) return this.context;
    let ctx: OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D | null;
    if (typeof OffscreenCanvas !== 'undefined') {
      ctx = new OffscreenCanvas(width, height).getContext('2d', { willReadFrequently: true });
    } else {
      const el = document.createElement('canvas');
      el.width = width;
      el.height = height;
      ctx = el.getContext('2d', { willReadFrequently: true });
    }
    if (!ctx) throw new Error('no 2D canvas context');
    this.context = ctx;
    return ctx;
  }
}
