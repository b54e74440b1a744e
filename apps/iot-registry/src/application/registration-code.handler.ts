import type { CommandMessage } from '@pki/contracts';
import { executeCommand, requestMeta } from './aggregate-command';
import { registrationCodeAggregate } from './aggregates';
import type { IotContext } from './iot-context';

/** GetRegistrationCode: the account's code, generated on first use and stable afterwards. */
export function getRegistrationCodeHandler(context: IotContext) {
  return async (message: CommandMessage): Promise<{ registrationCode: string }> => {
    const accountId = message.caller.accountId;
    const { state } = await executeCommand(
      context,
      registrationCodeAggregate(accountId),
      () => ({ type: 'GenerateRegistrationCode' as const, accountId, candidate: context.newRegistrationCode(), now: context.now() }),
      requestMeta(message),
    );
    if (state.status !== 'Generated') throw new Error('registration code was not generated');
    return { registrationCode: state.registrationCode };
  };
}
