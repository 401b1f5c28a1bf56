// The camera runs in the page, where getUserMedia is: frames are pulled from the
// visible preview video, decoded (sources/decoder.ts, loaded on first use), and
// decoded codes go to the core as scans.
import { useEffect, type RefObject } from 'react';
// Straight from the driver modules, not browser.js: that would pull the decoders into the main bundle.
import { CameraSource, type FrameGrabber } from '../../../scanner-drivers/camera/source.js';
import type { CameraDecoder } from '../../../scanner-drivers/camera/decoder.js';
import type { Frame } from '../../../scanner-drivers/camera/frame.js';
import type { ScreenBridge } from '../bridge-client.js';

let decoder: Promise<CameraDecoder> | null = null;
function sharedDecoder(): Promise<CameraDecoder> {
  decoder ??= import('./decoder.js').then((m) => m.loadDecoder());
  return decoder;
}

/** Frames from the preview the attendant sees, so the camera is opened once. */
class PreviewGrabber implements FrameGrabber {
  onEnded?: (reason: string) => void;
  private stream: MediaStream | undefined;
  private ctx: OffscreenCanvasRenderingContext2D | null = null;

  constructor(
    private readonly video: HTMLVideoElement,
    private readonly deviceId: string | null,
  ) {}

  async start(): Promise<void> {
    const size = { width: { ideal: 1280 }, height: { ideal: 720 } };
    const stream = await navigator.mediaDevices.getUserMedia({
      video: this.deviceId ? { ...size, deviceId: { exact: this.deviceId } } : size,
      audio: false,
    });
    this.video.muted = true;
    this.video.playsInline = true;
    this.video.srcObject = stream;
    await this.video.play();
    for (const track of stream.getVideoTracks()) track.addEventListener('ended', () => this.onEnded?.('track ended'));
    this.stream = stream;
  }

  grab(): Frame | null {
    const v = this.video;
    if (!this.stream || v.readyState < 2 || v.videoWidth === 0) return null;
    const scale = Math.min(1, 1280 / v.videoWidth);
    const width = Math.round(v.videoWidth * scale);
    const height = Math.round(v.videoHeight * scale);
    if (!this.ctx || this.ctx.canvas.width !== width || this.ctx.canvas.height !== height) {
      this.ctx = new OffscreenCanvas(width, height).getContext('2d', { willReadFrequently: true });
    }
    if (!this.ctx) return null;
    this.ctx.drawImage(v, 0, 0, width, height);
    return this.ctx.getImageData(0, 0, width, height);
  }

  stop(): void {
    for (const track of this.stream?.getTracks() ?? []) track.stop();
    this.video.srcObject = null;
    this.stream = undefined;
  }
}

export function useCamera(bridge: ScreenBridge, enabled: boolean, deviceId: string | null, holdMs: number, video: RefObject<HTMLVideoElement | null>): void {
  useEffect(() => {
    const el = video.current;
    if (!enabled || !el) return;
    let source: CameraSource | null = null;
    let cancelled = false;
    const report = (state: 'connected' | 'disconnected' | 'error', detail: string) =>
      void bridge.invoke('source:status', { name: 'camera', kind: 'camera', state, detail }).catch(() => undefined);
    void sharedDecoder().then((d) => {
      if (cancelled) return;
      source = new CameraSource({ decoder: d, grabber: new PreviewGrabber(el, deviceId), fps: 10, holdMs, name: 'camera' });
      source.on('scan', (scan) => void bridge.invoke('scan:submit', { text: scan.text, symbology: scan.symbology, source: 'camera' }).catch(() => undefined));
      source.on('status', (s) => report(s.state, s.detail));
      void source.start();
    });
    return () => {
      cancelled = true;
      void source?.stop();
    };
  }, [bridge, enabled, deviceId, holdMs, video]);
}
