import { writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import QRCode from 'qrcode'

/*
| Chromium's fake camera (--use-fake-device-for-media-stream with
| --use-file-for-fake-video-capture) plays a Y4M file, read again each
| time a page opens the camera. The browser suite points it at this
| process's own file; a test writes the picture it wants the camera to
| show just before the page starts the camera.
*/

export const FAKE_CAMERA_FILE = join(tmpdir(), `tomoni-fake-camera-${process.pid}.y4m`)

const WIDTH = 640
const HEIGHT = 480
const FRAMES = 5
const LIGHT = 235
const DARK = 16

/** Writes a few identical YUV 4:2:0 frames of the luminance given (U = V = 128: grey) */
function writeY4m(luma: Uint8Array) {
  const header = Buffer.from(`YUV4MPEG2 W${WIDTH} H${HEIGHT} F10:1 Ip A1:1 C420jpeg\n`)
  const chroma = Buffer.alloc((WIDTH / 2) * (HEIGHT / 2) * 2, 128)
  const frame = Buffer.concat([Buffer.from('FRAME\n'), Buffer.from(luma), chroma])
  writeFileSync(FAKE_CAMERA_FILE, Buffer.concat([header, ...Array(FRAMES).fill(frame)]))
}

/** A plain light picture: the camera works but shows no code */
export function showNothing() {
  writeY4m(new Uint8Array(WIDTH * HEIGHT).fill(LIGHT))
}

/**
 * The camera shows a QR code of `text`, dark modules on a light page with
 * the standard four-module quiet zone, as big as fits.
 */
export function showQrCode(text: string) {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' })
  const quiet = 4
  const span = modules.size + quiet * 2
  const scale = Math.floor((Math.min(WIDTH, HEIGHT) * 0.9) / span)
  const left = Math.floor((WIDTH - span * scale) / 2) + quiet * scale
  const top = Math.floor((HEIGHT - span * scale) / 2) + quiet * scale
  const luma = new Uint8Array(WIDTH * HEIGHT).fill(LIGHT)
  for (let row = 0; row < modules.size; row++) {
    for (let col = 0; col < modules.size; col++) {
      if (!modules.get(row, col)) continue
      for (let y = 0; y < scale; y++) {
        const start = (top + row * scale + y) * WIDTH + left + col * scale
        luma.fill(DARK, start, start + scale)
      }
    }
  }
  writeY4m(luma)
}
