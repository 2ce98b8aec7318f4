// ums: user login, token refresh and service-user access tokens, with the
// codes ums.json documents (403 LOGIN_FAILED for wrong credentials, 401
// USER_LOCKED / USER_LOCKED_WITH_TIME / SERVICE_LOCKED, 403 REFRESH_TOKEN_NOT_VALID).
import type { components } from '../biot/generated/ums.ts';
import { objectBody, stringField } from './body-checks.ts';
import type { Route, SandboxContext } from './context.ts';
import { BiotError } from './errors.ts';
import { issueToken, verifyToken } from './tokens.ts';

type LoginResponse = components['schemas']['LoginResponse'];
type ServiceTokenResponse = components['schemas']['ServiceUserAccessTokenResponse'];

const service = 'UMS Service';

function userSession(ctx: SandboxContext): LoginResponse {
  const secret = ctx.state.doc.secret;
  const access = issueToken(secret, ctx.userId, 'user', 'access', ctx.settings.tokenTtlSeconds);
  const refresh = issueToken(secret, ctx.userId, 'user', 'refresh', ctx.settings.refreshTtlSeconds);
  return {
    userId: ctx.userId,
    ownerOrganizationId: ctx.organizationId,
    accessJwt: { token: access.token, expiration: access.expires.toISOString() },
    refreshJwt: { token: refresh.token, expiration: refresh.expires.toISOString() },
    mfaRequired: false,
    passwordResetRequired: false,
  };
}

/**
 * The 401 a locked principal gets, or undefined. A user locked for a while
 * gets USER_LOCKED_WITH_TIME with details.timeLeftInMinutes (ums.json's
 * documented detail); ums.json names no timed code for service users.
 */
function lockError(ctx: SandboxContext, kind: 'user' | 'service'): BiotError | undefined {
  const left = ctx.settings.lockedUntil[kind] - Date.now();
  if (left <= 0) return undefined;
  if (kind === 'service') return new BiotError(401, 'SERVICE_LOCKED', 'Service user is locked');
  if (left === Infinity) return new BiotError(401, 'USER_LOCKED', 'User is locked');
  const timeLeftInMinutes = Math.ceil(left / 60_000);
  return new BiotError(401, 'USER_LOCKED_WITH_TIME', `User is locked for ${timeLeftInMinutes} more minute(s)`, { timeLeftInMinutes });
}

const loginFailed = () => new BiotError(403, 'LOGIN_FAILED', 'Login failed: wrong username or password');

export const umsRoutes: Route[] = [
  {
    method: 'POST',
    pattern: /^\/ums\/v2\/users\/login$/,
    op: 'ums.login',
    service,
    public: true,
    async handle(ctx, _params, raw) {
      const body = objectBody(raw);
      const username = stringField(body, 'username');
      const password = body.password === undefined ? '' : stringField(body, 'password');
      if (username !== ctx.credentials.user.username) throw loginFailed();
      const locked = lockError(ctx, 'user');
      if (locked) throw locked;
      if (password !== ctx.credentials.user.password) throw loginFailed();
      ctx.log(`ums.login ok user=${ctx.userId}`);
      return { status: 200, body: userSession(ctx) };
    },
  },
  {
    method: 'POST',
    pattern: /^\/ums\/v2\/users\/token\/refresh$/,
    op: 'ums.refresh',
    service,
    public: true,
    async handle(ctx, _params, raw) {
      const token = stringField(objectBody(raw), 'refreshToken');
      const claims = verifyToken(ctx.state.doc.secret, token, 'refresh');
      if (!claims) throw new BiotError(403, 'REFRESH_TOKEN_NOT_VALID', 'Refresh token is not valid or has expired');
      const locked = lockError(ctx, 'user');
      if (locked) throw locked;
      return { status: 200, body: userSession(ctx) };
    },
  },
  {
    method: 'POST',
    pattern: /^\/ums\/v2\/services\/accessToken$/,
    op: 'ums.serviceToken',
    service,
    public: true,
    async handle(ctx, _params, raw) {
      const body = objectBody(raw);
      const id = stringField(body, 'id');
      const secretKey = stringField(body, 'secretKey');
      if (id !== ctx.credentials.service.id) throw new BiotError(403, 'LOGIN_FAILED', 'Login failed: wrong service user id or secret key');
      const locked = lockError(ctx, 'service');
      if (locked) throw locked;
      if (secretKey !== ctx.credentials.service.secretKey)
        throw new BiotError(403, 'LOGIN_FAILED', 'Login failed: wrong service user id or secret key');
      const access = issueToken(ctx.state.doc.secret, id, 'service', 'access', ctx.settings.tokenTtlSeconds);
      const answer: ServiceTokenResponse = { accessToken: access.token, accessTokenExpiration: access.expires.toISOString() };
      ctx.log(`ums.serviceToken ok service=${id}`);
      return { status: 200, body: answer };
    },
  },
];
