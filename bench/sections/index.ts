import type { Section } from '../lib/section.js';
import { autocompleteSection } from './autocomplete.js';
import { burstSection } from './burst.js';
import { latencySection } from './latency.js';
import { searchSection } from './search.js';
import { startupSection } from './startup.js';

/** Every section of `npm run bench`, in the order they run and appear in docs/performance.md. */
export const SECTIONS: Section[] = [latencySection, autocompleteSection, searchSection, burstSection, startupSection];
