// Sign-in with the Cognito user pool (USER_PASSWORD_AUTH, the same API in AWS and in moto),
// tokens kept for the browser tab only (sessionStorage), refreshed before they expire.

let config = null;
const KEY = "motcua.session";

export async function loadConfig() {
  if (!config) {
    const response = await fetch("/config.json");
    config = await response.json();
  }
  return config;
}

function endpoint() {
  return config.cognito_endpoint || `https://cognito-idp.${config.region}.amazonaws.com/`;
}

async function cognito(action, body) {
  let response;
  try {
    response = await fetch(endpoint(), {
      method: "POST",
      headers: {
        "Content-Type": "application/x-amz-json-1.1",
        "X-Amz-Target": `AWSCognitoIdentityProviderService.${action}`,
      },
      body: JSON.stringify(body),
    });
  } catch {
    throw Object.assign(new Error("network"), { messageVi: "Không kết nối được máy chủ đăng nhập. Vui lòng thử lại." });
  }
  const result = await response.json().catch(() => ({}));
  if (!response.ok) {
    const wrong = ["NotAuthorizedException", "UserNotFoundException"].some((t) => String(result.__type || "").includes(t));
    throw Object.assign(new Error(result.message || "auth"), {
      messageVi: wrong ? "Tên đăng nhập hoặc mật khẩu không đúng." : "Không đăng nhập được. Vui lòng thử lại.",
      field: wrong ? "password" : undefined,
    });
  }
  return result;
}

function decode(token) {
  const payload = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
  const bytes = Uint8Array.from(atob(payload), (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes));
}

function store(result, refreshToken) {
  const auth = result.AuthenticationResult;
  const claims = decode(auth.IdToken);
  const value = {
    idToken: auth.IdToken,
    refreshToken: auth.RefreshToken || refreshToken,
    expiresAt: claims.exp * 1000,
  };
  sessionStorage.setItem(KEY, JSON.stringify(value));
  return value;
}

function stored() {
  try { return JSON.parse(sessionStorage.getItem(KEY) || "null"); } catch { return null; }
}

export const session = {
  async signIn(username, password) {
    await loadConfig();
    const result = await cognito("InitiateAuth", {
      AuthFlow: "USER_PASSWORD_AUTH",
      ClientId: config.user_pool_client_id,
      AuthParameters: { USERNAME: username, PASSWORD: password },
    });
    store(result);
    return this.user();
  },

  signOut() {
    sessionStorage.removeItem(KEY);
  },

  /** The ID token, refreshed when less than a minute is left; null when signed out. */
  async idToken() {
    const current = stored();
    if (!current) return null;
    if (current.expiresAt - Date.now() > 60_000) return current.idToken;
    try {
      await loadConfig();
      const result = await cognito("InitiateAuth", {
        AuthFlow: "REFRESH_TOKEN_AUTH",
        ClientId: config.user_pool_client_id,
        AuthParameters: { REFRESH_TOKEN: current.refreshToken },
      });
      return store(result, current.refreshToken).idToken;
    } catch {
      this.signOut();
      return null;
    }
  },

  /** {username, sub, name, email, phone, groups} of the signed-in user, or null. */
  user() {
    const current = stored();
    if (!current || current.expiresAt < Date.now()) return null;
    const c = decode(current.idToken);
    return {
      username: c["cognito:username"],
      sub: c.sub,
      name: c.name || c["cognito:username"],
      email: c.email || "",
      phone: c.phone_number || "",
      groups: c["cognito:groups"] || [],
    };
  },

  has(...groups) {
    const user = this.user();
    return Boolean(user && user.groups.some((g) => groups.includes(g)));
  },
};
