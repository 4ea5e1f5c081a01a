import { describe, expect, it } from 'vitest';
import {
  DEFAULT_ENDPOINT_CONFIG,
  detectEndpoint,
  type EndpointInput,
} from '../../../server/stages/asr/endpointer.ts';

const base: EndpointInput = { utteranceMs: 3000, trailingSilenceMs: 0, hasText: true, vadSpeechEnded: false };

describe('detectEndpoint', () => {
  it('does not end a running utterance', () => {
    expect(detectEndpoint(base)).toEqual({ endpoint: false, reason: null, empty: false });
    expect(detectEndpoint({ ...base, trailingSilenceMs: 1199 }).endpoint).toBe(false);
  });

  it('ends on the VAD hangover event, flagging an utterance with no text as empty', () => {
    expect(detectEndpoint({ ...base, vadSpeechEnded: true })).toEqual({
      endpoint: true,
      reason: 'vad',
      empty: false,
    });
    expect(detectEndpoint({ ...base, hasText: false, vadSpeechEnded: true })).toMatchObject({
      reason: 'vad',
      empty: true,
    });
    expect(
      detectEndpoint({ ...base, vadSpeechEnded: true }, { ...DEFAULT_ENDPOINT_CONFIG, useVad: false })
        .endpoint,
    ).toBe(false);
  });

  it('rule1: long trailing silence with nothing decoded', () => {
    const quiet = { ...base, hasText: false };
    expect(detectEndpoint({ ...quiet, trailingSilenceMs: 2000 }).endpoint).toBe(false);
    expect(detectEndpoint({ ...quiet, trailingSilenceMs: 2400 })).toEqual({
      endpoint: true,
      reason: 'rule1',
      empty: true,
    });
  });

  it('rule2: shorter trailing silence once text was decoded', () => {
    expect(detectEndpoint({ ...base, trailingSilenceMs: 1200 })).toEqual({
      endpoint: true,
      reason: 'rule2',
      empty: false,
    });
    expect(detectEndpoint({ ...base, hasText: false, trailingSilenceMs: 1200 }).endpoint).toBe(false);
  });

  it('rule3: maximum utterance length, whatever the silence', () => {
    expect(detectEndpoint({ ...base, utteranceMs: 19_999 }).endpoint).toBe(false);
    expect(detectEndpoint({ ...base, utteranceMs: 20_000 })).toMatchObject({
      endpoint: true,
      reason: 'rule3',
    });
  });

  it('treats a rule without conditions as disabled', () => {
    const config = {
      ...DEFAULT_ENDPOINT_CONFIG,
      rule3: { mustContainNonSilence: false, minTrailingSilenceMs: 0, minUtteranceMs: 0 },
    };
    expect(detectEndpoint(base, config).endpoint).toBe(false);
  });
});
