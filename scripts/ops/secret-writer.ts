import { CreateSecretCommand, PutSecretValueCommand, ResourceExistsException, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/** Writes one secret's JSON value (the shapes of docs/design.md §9); says whether it was created or updated. */
export interface SecretWriter {
  write(secretId: string, value: Record<string, unknown>): Promise<'created' | 'updated'>;
}

/** Secrets Manager: CreateSecret, or PutSecretValue (a new AWSCURRENT version) when the secret exists. */
export class SecretsManagerWriter implements SecretWriter {
  constructor(private readonly client: SecretsManagerClient) {}

  async write(secretId: string, value: Record<string, unknown>): Promise<'created' | 'updated'> {
    const SecretString = JSON.stringify(value);
    try {
      await this.client.send(new CreateSecretCommand({ Name: secretId, SecretString, Description: 'fecjst (written by npm run ops -- connect)' }));
      return 'created';
    } catch (error) {
      if (!(error instanceof ResourceExistsException)) throw error;
      await this.client.send(new PutSecretValueCommand({ SecretId: secretId, SecretString }));
      return 'updated';
    }
  }
}
