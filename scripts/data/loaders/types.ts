/** What every loader produces: candidate utterances plus the entries it had to reject. */
export interface Candidate {
  /** unique, filesystem-safe id */
  id: string;
  source: string;
  text: string;
  speaker: string;
  lang?: string;
  accent?: string;
  gender?: string;
  extra?: Record<string, string>;
}

export interface Rejected {
  ref: string;
  reason: 'missing-audio' | 'missing-text' | 'empty-text' | 'bad-line' | 'conversion-failed';
  detail?: string;
}

export interface LoadResult {
  candidates: Candidate[];
  rejected: Rejected[];
}
