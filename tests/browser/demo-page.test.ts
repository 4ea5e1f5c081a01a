/**
 * The demo page end to end in Debian's Chromium (driven by playwright-core; no browser is ever
 * downloaded): a real server on port 0 with the shipped models (whatever models/ holds), Chromium's
 * fake microphone playing the committed English fixture WAV (looped by Chromium), the page built by
 * scripts/build-browser.ts. It checks what a person sees: the session becomes ready, the VAD
 * indicator reacts, segments appear with their latency figures, final transcripts and translations
 * appear when the server has a recognizer, and the translated speech reaches the page's audio graph
 * non-silent when a voice for the target is loaded (the page says it is unavailable otherwise). Then the server goes away and the page must say it is reconnecting.
 * A screenshot is saved to reports/demo-page.png.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBrowser } from '../../scripts/build-browser.ts';
import { type RunningServer, startServer } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';
import {
  scriptedAsrEngine,
  scriptedTranslator,
  toneSynthesizer,
} from '../server/helpers/pipeline-doubles.ts';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  '--autoplay-policy=no-user-gesture-required',
];
const FAKE_MIC = fileURLToPath(new URL('../fixtures/frontend/hotel-clean-16k.wav', import.meta.url));
const SCREENSHOT = fileURLToPath(new URL('../../reports/demo-page.png', import.meta.url));
/** The page with every stage running (engine doubles). */
const SCREENSHOT_FULL = fileURLToPath(new URL('../../reports/demo-page-all-stages.png', import.meta.url));

async function openPage(errors: string[]): Promise<{ browser: Browser; page: Page }> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [...CHROMIUM_ARGS, `--use-file-for-fake-audio-capture=${FAKE_MIC}`],
  });
  const page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  return { browser, page };
}

describe.skipIf(!existsSync(CHROMIUM))('demo page in Chromium (fake microphone)', () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let serverStages: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    await buildBrowser();
    server = await startServer(
      loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', TOLK_SHUTDOWN_GRACE_MS: '500' }),
    );
    serverStages = (await server.engines).stages;
    ({ browser, page } = await openPage(pageErrors));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('streams the fake microphone: ready, VAD, segments with latency, transcripts and translations', async () => {
    await page.goto(`http://127.0.0.1:${server.port}/`);
    await expect(page.title()).resolves.toContain('tolk');
    // Before a session: the server's stages from /v1/models.
    await page.locator('#stages li[data-stage="frontend"][data-available="true"]').waitFor();

    await page.click('#toggle');
    await page.locator('body[data-state="ready"]').waitFor({ timeout: 20_000 });
    const sessionStages = ((await page.getAttribute('body', 'data-session-stages')) ?? '').split(' ');
    expect(sessionStages).toContain('frontend');
    expect(await page.textContent('#status')).toContain('Listening');

    // The level meter moves and the VAD indicator reports speech.
    await page.locator('#vad[data-seen="true"]').waitFor({ timeout: 20_000 });
    expect(await page.locator('#level-db').textContent()).not.toBe('−∞ dB');

    // Segments: each gets its times and, with `metrics`, its latency figures.
    await expect
      .poll(() => page.locator('.turn[data-phase="done"]').count(), { timeout: 30_000, interval: 250 })
      .toBeGreaterThanOrEqual(2);
    await expect(
      page.locator('.turn[data-phase="done"] .turn-latency [data-metric="endpoint"]').count(),
    ).resolves.toBeGreaterThan(0);

    if (sessionStages.includes('asr')) {
      await page.locator('.turn .turn-source.final').first().waitFor({ timeout: 30_000 });
      // The recognizer's partials were shown while the person was talking.
      expect(await page.getAttribute('#partial', 'data-seen')).toBe('true');
      if (sessionStages.includes('mt')) {
        await page.locator('.turn .turn-target.translation').first().waitFor({ timeout: 30_000 });
        const engine = await page.locator('.turn .badge-engine').first().textContent();
        expect(engine).toMatch(/neural|apertium/);
      }
    } else {
      // No recognizer: the page says so per segment instead of waiting for text.
      expect(await page.locator('.turn .turn-source').first().textContent()).toContain('recognizer');
      expect(serverStages).not.toContain('asr');
    }

    if (sessionStages.includes('tts')) {
      // The shipped voice's speech is decoded into the page's audio graph, and is not silent.
      await expect
        .poll(async () => Number(await page.getAttribute('body', 'data-speech-loud-samples')), {
          timeout: 30_000,
        })
        .toBeGreaterThan(1000);
      await page.locator('.turn [data-metric="first audio"]').first().waitFor({ timeout: 30_000 });
    } else {
      // Without a voice for the target the page must say speech is unavailable, never fake it.
      await expect(page.locator('#speech-note').isVisible()).resolves.toBe(true);
      expect(await page.textContent('#speech-note')).toContain('Translated speech is unavailable');
      expect(await page.getAttribute('body', 'data-speech-samples')).toBeNull();
    }

    await expect(page.locator('#alert[data-kind="error"]').isVisible()).resolves.toBe(false);
    await mkdir(fileURLToPath(new URL('../../reports/', import.meta.url)), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });

    await page.click('#toggle');
    await page.locator('body[data-state="idle"]').waitFor({ timeout: 15_000 });
    expect(await page.textContent('#status')).toBe('Stopped');
    expect(pageErrors).toEqual([]);
  });

  it('says it is reconnecting when the server goes away', async () => {
    await page.click('#toggle');
    await page.locator('body[data-state="ready"]').waitFor({ timeout: 20_000 });
    await server.close();
    await page.locator('body[data-state="reconnecting"]').waitFor({ timeout: 15_000 });
    await expect
      .poll(() => page.textContent('#alert'), { timeout: 15_000 })
      .toMatch(/server unreachable|connection lost|shutting down/);
    await page.click('#toggle');
    await page.locator('body[data-state="idle"]').waitFor({ timeout: 5000 });
  });
});

/**
 * The whole turn on the page with engine doubles from the server tests (no trained model needed):
 * a counting recognizer, a tagging translator that reports an apertium fallback, and a 440 Hz
 * tone "voice" for Spanish, so the transcript, translation and speech-playback paths all run.
 */
describe.skipIf(!existsSync(CHROMIUM))('demo page in Chromium with ASR, MT and TTS doubles', () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    await buildBrowser();
    server = await startServer(
      loadConfig({
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'silent',
        TOLK_MODELS_DIR: '/nonexistent-tolk-models',
      }),
      {
        engines: {
          asr: new Map([['en', scriptedAsrEngine().engine]]),
          mt: scriptedTranslator().translator,
          tts: new Map([['es', toneSynthesizer(400)]]),
        },
      },
    );
    await server.engines;
    ({ browser, page } = await openPage(pageErrors));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('shows final transcripts, translations with engine and fallback, and plays the speech audio', async () => {
    await page.goto(`http://127.0.0.1:${server.port}/`);
    await page.click('#toggle');
    await page.locator('body[data-state="ready"]').waitFor({ timeout: 20_000 });
    expect(await page.getAttribute('body', 'data-session-stages')).toBe('frontend asr mt tts');
    expect(await page.locator('#speech-note').isVisible()).toBe(false);

    await page.locator('.turn .turn-source.final').first().waitFor({ timeout: 20_000 });
    expect(await page.locator('.turn .turn-source.final').first().textContent()).toMatch(/^utterance/);
    // Partials were shown while the segment was spoken (the counting recognizer's `w1 w2 …`).
    expect(await page.getAttribute('#partial', 'data-seen')).toBe('true');
    const translation = page.locator('.turn .turn-target.translation').first();
    await translation.waitFor({ timeout: 20_000 });
    expect(await translation.textContent()).toMatch(/^es\(utterance/);
    expect(await page.locator('.turn .badge-engine').first().textContent()).toBe('apertium');
    expect(await page.locator('.turn .badge-fallback').first().textContent()).toContain(
      'primary unavailable',
    );

    // Speech: channel-2 frames decoded into the page's audio graph, and not silent.
    await expect
      .poll(async () => Number(await page.getAttribute('body', 'data-speech-loud-samples')), {
        timeout: 20_000,
      })
      .toBeGreaterThan(1000);
    await page.locator('.turn .badge-speech').first().waitFor();
    await page.locator('.turn [data-metric="first audio"]').first().waitFor({ timeout: 20_000 });

    await page.screenshot({ path: SCREENSHOT_FULL, fullPage: true });
    await page.click('#toggle');
    await page.locator('body[data-state="idle"]').waitFor({ timeout: 15_000 });
    expect(pageErrors).toEqual([]);
  });
});
