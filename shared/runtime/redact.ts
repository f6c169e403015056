/** The masking rules live on the ground floor (pure), so use cases can mask their output too; runtime keeps its import path. */
export * from '../domain/redact';
