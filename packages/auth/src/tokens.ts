import { createHash, randomBytes } from 'node:crypto';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { AppError } from '@permed/http';

const ISSUER = 'permed-calls';
const AUDIENCE = 'permed-calls';

export interface AccessClaims {
  userId: string;
  sessionId: string;
}

export function signingKey(secret: string): Uint8Array {
  return new TextEncoder().encode(secret);
}

/** A short-lived HS256 access token naming its session, so revoking the session ends it at once. */
export async function signAccessToken(
  claims: AccessClaims,
  key: Uint8Array,
  now: Date,
  ttlSeconds: number,
): Promise<{ token: string; expiresAt: Date }> {
  const iat = Math.floor(now.getTime() / 1000);
  const exp = iat + ttlSeconds;
  const token = await new SignJWT({ sid: claims.sessionId })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.userId)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .sign(key);
  return { token, expiresAt: new Date(exp * 1000) };
}

export async function verifyAccessToken(token: string, key: Uint8Array, now: Date): Promise<AccessClaims> {
  try {
    const { payload } = await jwtVerify(token, key, {
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: ['HS256'],
      currentDate: now,
      clockTolerance: 0,
    });
    if (typeof payload.sub !== 'string' || typeof payload.sid !== 'string') {
      throw new AppError('TOKEN_INVALID', 'The token lacks its subject or session');
    }
    return { userId: payload.sub, sessionId: payload.sid };
  } catch (error) {
    if (error instanceof AppError) throw error;
    if (error instanceof joseErrors.JWTExpired)
      throw new AppError('TOKEN_EXPIRED', 'Refresh the session or sign in again');
    throw new AppError('TOKEN_INVALID');
  }
}

export function newRefreshToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

const DEVICE_AUDIENCE = 'permed-calls-device';
export const DEVICE_TOKEN_TTL_SECONDS = 180 * 24 * 3600;

/**
 * A device token: proof that this client once signed in to this account. Sent back with later
 * sign-ins, it lets the per-account throttle count the client under its own key, so strangers
 * guessing the account's password cannot lock its owner out (OWASP's "device cookie"). It grants
 * nothing by itself: the password is still checked.
 */
export async function signDeviceToken(userId: string, key: Uint8Array, now: Date): Promise<string> {
  const iat = Math.floor(now.getTime() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(userId)
    .setJti(randomBytes(16).toString('base64url'))
    .setIssuer(ISSUER)
    .setAudience(DEVICE_AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(iat + DEVICE_TOKEN_TTL_SECONDS)
    .sign(key);
}

/** The device token's account and id, or null when it is not a valid, unexpired device token. */
export async function readDeviceToken(
  token: string,
  key: Uint8Array,
  now: Date,
): Promise<{ userId: string; id: string } | null> {
  try {
    const { payload } = await jwtVerify(token, key, {
      issuer: ISSUER,
      audience: DEVICE_AUDIENCE,
      algorithms: ['HS256'],
      currentDate: now,
    });
    return typeof payload.sub === 'string' && typeof payload.jti === 'string'
      ? { userId: payload.sub, id: payload.jti }
      : null;
  } catch {
    return null;
  }
}
