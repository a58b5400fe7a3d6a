import type { QuestionSource } from '../store/question-log.js';
import type { CommandContext } from './commands/command.js';
import { installationOf } from './installation.js';
import { answerQuestion, type AnsweredQuestion } from './questions.js';
import { respond, type AnswerableInteraction } from './replies.js';

export interface InteractionQuestion {
  /** The question, already validated and admitted by the rate limit. */
  question: string;
  source: QuestionSource;
  ephemeral: boolean;
  /** When the interaction arrived: latency is measured from here. */
  receivedAt: number;
}

/**
 * Answers a question asked through an interaction (/ask, Ask the article, an
 * example question's button), the same way for each: within Discord's 3 s
 * window (deferred at once while the index is still loading), with the usual
 * buttons, and handed to the question log only once the reply was delivered.
 */
export async function answerInteraction(
  interaction: AnswerableInteraction,
  asked: InteractionQuestion,
  context: CommandContext,
): Promise<void> {
  let answered: AnsweredQuestion | undefined;
  await respond(
    interaction,
    async () => {
      answered = await answerQuestion(await context.knowledge.whenReady(), asked.question, {
        language: context.language,
        echoQuestion: true,
        source: asked.source,
        asker: { userId: interaction.user.id, guildId: interaction.guildId },
        installation: installationOf(interaction),
        ephemeral: asked.ephemeral,
        receivedAt: asked.receivedAt,
        questionLog: context.questionLog,
      });
      return answered.payload;
    },
    { ephemeral: asked.ephemeral, deferNow: context.knowledge.current === undefined },
  );
  answered?.recordDelivered();
}
