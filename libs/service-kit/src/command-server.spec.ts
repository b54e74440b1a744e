import { DomainError } from '@pki/contracts';
import { notImplementedHandlers } from './command-server';

describe('notImplementedHandlers', () => {
  it('answers a clear NotImplementedException, never a success', async () => {
    const handlers = notImplementedHandlers(['FlyToTheMoon']);
    const message = { caller: { accountId: '111111111111', accessKeyId: 'AKID' }, requestId: 'r1', input: {} };
    await expect(handlers.FlyToTheMoon!(message)).rejects.toEqual(expect.any(DomainError));
    await handlers.FlyToTheMoon!(message).catch((error: DomainError) => {
      expect(error.toServiceError()).toEqual({ kind: 'NotImplemented', code: 'NotImplementedException', message: 'FlyToTheMoon is not implemented by this platform yet.' });
    });
  });
});
