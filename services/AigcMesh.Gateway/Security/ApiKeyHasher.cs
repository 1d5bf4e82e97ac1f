using System.Security.Cryptography;
using System.Text;

namespace AigcMesh.Gateway.Security;

/// <summary>Keys are never stored: configuration holds the SHA-256 of each key, and requests are compared by hash.</summary>
public static class ApiKeyHasher
{
    /// <summary>The lower-case hex SHA-256 of the key's UTF-8 bytes (what Gateway:ApiKeys:n:Hash holds).</summary>
    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>A new random key: "amk_" and 32 random bytes in base64url.</summary>
    public static string NewKey() =>
        "amk_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
