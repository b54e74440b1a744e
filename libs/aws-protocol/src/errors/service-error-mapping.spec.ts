import { DomainError } from '@pki/contracts';
import { restJsonError } from '../rest-json/rest-json-response';
import { awsErrorFromServiceError } from './service-error-mapping';

describe('awsErrorFromServiceError', () => {
  it('carries the further members an exception models into the restJson1 error body (IoT ResourceAlreadyExistsException resourceId / resourceArn)', () => {
    const arn = 'arn:aws:iot:us-east-1:000000000000:thing/lamp-1';
    const error = new DomainError('Conflict', 'The thing lamp-1 already exists.', 'ResourceAlreadyExistsException', { fields: { resourceId: 'lamp-1', resourceArn: arn } });
    const wire = restJsonError(awsErrorFromServiceError(error.toServiceError(), 'restJson1'), { requestId: 'r' });
    expect(wire.status).toBe(409);
    expect(wire.headers['x-amzn-ErrorType']).toBe('ResourceAlreadyExistsException');
    expect(JSON.parse(wire.body)).toEqual({ message: 'The thing lamp-1 already exists.', resourceId: 'lamp-1', resourceArn: arn });
  });

  it('an error without further members keeps a body of the message only', () => {
    const wire = restJsonError(awsErrorFromServiceError(new DomainError('NotFound', 'gone', 'ResourceNotFoundException').toServiceError(), 'restJson1'));
    expect(JSON.parse(wire.body)).toEqual({ message: 'gone' });
    expect(new DomainError('NotFound', 'gone').toServiceError()).toEqual({ kind: 'NotFound', message: 'gone' });
  });
});
