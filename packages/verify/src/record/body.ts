/** A statement's body as the transcript shows it (types.ts TranscriptBody); a body that does not decode fails the statement. */
import { toHex } from '@hotline/log';
import { decodeAckBody, decodeForwardBody, decodeMessageBody, decodeReceiptBody, StatementType, type Statement } from '@hotline/protocol';
import { transcriptForward } from '../forward/transcript-forward.js';
import { stop } from './failure.js';
import type { TranscriptBody } from './types.js';

const PRECEDENCE = ['FLASH', 'IMMEDIATE', 'PRIORITY', 'ROUTINE'] as const;

export function statementBody(statement: Statement, seq: number): TranscriptBody {
  const fail = (detail: string): never => stop('statements', `seq ${seq}`, 'malformed_body', detail);
  switch (statement.type) {
    case StatementType.message:
    case StatementType.edit: {
      const m = decodeMessageBody(statement.body);
      if (!m.ok) return fail(m.error.message);
      return { kind: 'message', precedence: PRECEDENCE[m.value.precedence - 1]!, language: m.value.language, text: m.value.text, approvals: m.value.approvals?.length ?? 0 };
    }
    case StatementType.ack: {
      const a = decodeAckBody(statement.body);
      if (!a.ok) return fail(a.error.message);
      return { kind: 'ack', message: toHex(a.value.messageId) };
    }
    case StatementType.receipt: {
      const r = decodeReceiptBody(statement.body);
      if (!r.ok) return fail(r.error.message);
      return { kind: 'receipt', receipt: r.value.kind === 1 ? 'delivered' : 'read', ids: r.value.ids.map(toHex) };
    }
    case StatementType.forward: {
      // Its layout only: whether it proves its origin is the rules step's (record-rules.ts).
      const f = decodeForwardBody(statement.body);
      if (!f.ok) return fail(f.error.message);
      return transcriptForward(f.value.comment, undefined);
    }
    default:
      return { kind: 'other' };
  }
}

