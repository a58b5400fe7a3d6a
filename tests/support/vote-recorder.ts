import type { VoteRecorder } from '../../src/bot/context.js';

/** Votes kept in memory, one per user and answer, as the question log keeps them. */
export class MemoryVotes implements VoteRecorder {
  readonly votes = new Map<string, 1 | -1>();

  recordVote({ answerId, userId, value }: { answerId: string; userId: string; value: 1 | -1 }) {
    const key = `${answerId}/${userId}`;
    const previous = this.votes.get(key);
    this.votes.set(key, value);
    return previous === undefined ? 'recorded' : previous === value ? 'unchanged' : 'changed';
  }
}
