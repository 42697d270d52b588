using System;
using System.Net;

namespace Microsoft.Graph.Entra.Rs.Connection;

/// <summary>
/// Checks the endpoints given to Add-EntraEnvironment. A bearer token is sent to the Graph
/// endpoint and client secrets to the sign-in endpoint, so both must be plain service roots
/// over TLS; plain http is accepted only for loopback hosts (local emulators, Dev Proxy).
/// </summary>
public static class EndpointValidator
{
    /// <summary>
    /// Returns the normalised root (<c>scheme://host[:port]</c>, no trailing slash) of a valid
    /// endpoint, or null with a reason a user can act on.
    /// </summary>
    public static string? TryNormalize(string? value, out string reason)
    {
        reason = string.Empty;
        string text = value?.Trim() ?? string.Empty;
        if (text.Length == 0)
        {
            reason = "The endpoint is empty.";
            return null;
        }

        foreach (char c in text)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c) || c == '\\')
            {
                reason = "The endpoint contains whitespace, control characters or backslashes.";
                return null;
            }
        }

        int schemeEnd = text.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd <= 0 || !Uri.TryCreate(text, UriKind.Absolute, out Uri? uri))
        {
            reason = "The endpoint must be an absolute URL such as https://graph.microsoft.com.";
            return null;
        }

        // Read the part after the authority from the text itself: Uri would silently resolve
        // "/.." or "/%2e%2e" to "/", and we want such input refused, not rewritten.
        string afterScheme = text.Substring(schemeEnd + 3);
        int tailStart = afterScheme.IndexOfAny(new[] { '/', '?', '#' });
        string authority = tailStart < 0 ? afterScheme : afterScheme.Substring(0, tailStart);
        string tail = tailStart < 0 ? string.Empty : afterScheme.Substring(tailStart);
        if (tail.Length > 0 && tail != "/")
        {
            reason = "The endpoint must be a service root without a path, query or fragment " +
                     "(for example https://graph.microsoft.com).";
            return null;
        }

        if (authority.Contains('@'))
        {
            reason = "The endpoint must not contain user information (user:password@).";
            return null;
        }

        bool loopback = IsLoopback(uri);
        if (uri.Scheme == Uri.UriSchemeHttp)
        {
            if (!loopback)
            {
                reason = $"Plain http is accepted only for loopback hosts (localhost, 127.0.0.0/8, ::1); use https for '{uri.Host}'.";
                return null;
            }
        }
        else if (uri.Scheme != Uri.UriSchemeHttps)
        {
            reason = $"The endpoint scheme must be https (or http for a loopback host), not '{uri.Scheme}'.";
            return null;
        }

        return uri.GetLeftPart(UriPartial.Authority);
    }

    private static bool IsLoopback(Uri uri)
    {
        if (string.Equals(uri.Host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        // Uri keeps IPv6 hosts in brackets; IPAddress.IsLoopback covers 127.0.0.0/8 and ::1.
        string host = uri.Host.Trim('[', ']');
        return IPAddress.TryParse(host, out IPAddress? address) && IPAddress.IsLoopback(address);
    }
}
