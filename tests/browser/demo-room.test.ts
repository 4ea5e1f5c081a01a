/**
 * A conversation room on the demo page: two pages in Debian's Chromium (playwright-core; no
 * browser download; skipped when Chromium is missing), both with Chromium's fake microphone
 * playing the committed English fixture WAV, against a real server with the engine doubles of
 * the server tests (counting recognizer for English and Spanish, tagging translator, a 440 Hz
 * tone as the voice of both languages). Ann creates a room and shares the link; Beto opens it
 * and speaks Spanish. Each page shows its own turns and the peer's (transcript + translation),
 * and the peer's translated speech reaches the page's audio graph. When Beto stops, Ann's page
 * says he left. Screenshot: reports/demo-room.png.
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
const FAKE_MIC = fileURLToPath(new URL('../fixtures/frontend/hotel-clean-16k.wav', import.meta.url));
const SCREENSHOT = fileURLToPath(new URL('../../reports/demo-room.png', import.meta.url));
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
  `--use-file-for-fake-audio-capture=${FAKE_MIC}`,
];

describe.skipIf(!existsSync(CHROMIUM))('demo page: a conversation room with two pages', () => {
  let server: RunningServer;
  let browser: Browser;
  const errors: string[] = [];

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
          asr: new Map([
            ['en', scriptedAsrEngine().engine],
            ['es', scriptedAsrEngine().engine],
          ]),
          mt: scriptedTranslator().translator,
          tts: new Map([
            ['es', toneSynthesizer(400)],
            ['en', toneSynthesizer(400)],
          ]),
        },
      },
    );
    await server.engines;
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function newPage(): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1000, height: 1000 } });
    const page = await context.newPage();
    page.on('pageerror', (err) => errors.push(err.message));
    page.on('console', (msg) => {
      if (msg.type() === 'error') errors.push(msg.text());
    });
    return page;
  }

  it('both sides see each other’s turns with translations and hear the peer’s translated speech', async () => {
    const ann = await newPage();
    await ann.goto(`http://127.0.0.1:${server.port}/`);
    await ann.fill('#room-name', 'Ann');
    await ann.click('#room-create');
    const link = await ann.inputValue('#room-link');
    expect(link).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${server.port}/\\?room=[A-Za-z0-9_-]{16}$`));
    expect(ann.url()).toBe(link);
    expect(await ann.isDisabled('#target')).toBe(true); // the peer's language is the target
    await ann.click('#toggle');
    await ann.locator('body[data-state="ready"]').waitFor({ timeout: 20_000 });
    expect(await ann.textContent('#status')).toContain('waiting for the other person');

    const beto = await newPage();
    await beto.goto(link);
    await beto.selectOption('#source', 'es');
    await beto.fill('#room-name', 'Beto');
    await beto.click('#toggle');
    await beto.locator('body[data-room-peers="1"]').waitFor({ timeout: 20_000 });
    await ann.locator('body[data-room-peers="1"]').waitFor({ timeout: 20_000 });
    expect(await ann.textContent('#room-people')).toContain('Beto · Spanish');
    expect(await beto.textContent('#room-people')).toContain('Ann · English');
    expect(await ann.textContent('#status')).toContain('Talking with Beto');
    // Ann's speech now goes to Spanish, with speech (the routing the room gave her session).
    expect(await ann.getAttribute('body', 'data-session-stages')).toBe('frontend asr mt tts');

    // Beto sees Ann's turns: her transcript and its Spanish translation, and hears her speech.
    const annOnBeto = beto.locator('.turn.peer[data-peer="p1"]');
    await annOnBeto.locator('.turn-source.final').first().waitFor({ timeout: 30_000 });
    expect(await annOnBeto.locator('.turn-who').first().textContent()).toBe('Ann');
    expect(await annOnBeto.locator('.turn-source.final').first().textContent()).toMatch(/^utterance/);
    await annOnBeto.locator('.turn-target.translation').first().waitFor({ timeout: 30_000 });
    expect(await annOnBeto.locator('.turn-target.translation').first().textContent()).toMatch(
      /^es\(utterance/,
    );
    // And Ann sees Beto's turns beside her own.
    const betoOnAnn = ann.locator('.turn.peer[data-peer="p2"]');
    await betoOnAnn.locator('.turn-source.final').first().waitFor({ timeout: 30_000 });
    await ann.locator('.turn:not(.peer) .turn-target.translation').first().waitFor({ timeout: 30_000 });

    // The peer's translated speech reaches each page's audio graph, and is not silent.
    for (const page of [beto, ann]) {
      await expect
        .poll(async () => Number(await page.getAttribute('body', 'data-speech-loud-samples')), {
          timeout: 30_000,
          interval: 250,
        })
        .toBeGreaterThan(1000);
    }
    await beto.locator('.turn.peer .badge-speech').first().waitFor({ timeout: 10_000 });

    await mkdir(fileURLToPath(new URL('../../reports/', import.meta.url)), { recursive: true });
    await beto.screenshot({ path: SCREENSHOT, fullPage: true });

    // Beto stops: Ann's page says he left; she stays in the room.
    await beto.click('#toggle');
    await beto.locator('body[data-state="idle"]').waitFor({ timeout: 15_000 });
    await ann.locator('body[data-room-peers="0"]').waitFor({ timeout: 10_000 });
    expect(await ann.textContent('#alert')).toContain('Beto left the room');
    await ann.click('#toggle');
    await ann.locator('body[data-state="idle"]').waitFor({ timeout: 15_000 });
    expect(errors).toEqual([]);
  });
});
