namespace ReviewPortal.Claude;

/// <summary>Renders an API key as a hint safe for UIs and logs, in the style of <c>partial_key_hint</c>.</summary>
public static class KeyHint
{
    /// <summary>
    /// <c>sk-ant-api01-R2D2xxxx…xxigAA</c> becomes <c>sk-ant-api01-R2D...igAA</c>: the key-type prefix, three characters,
    /// and the last four. Short or unrecognised values reveal nothing.
    /// </summary>
    public static string For(string? key)
    {
        if (string.IsNullOrWhiteSpace(key))
        {
            return "(none)";
        }

        // The prefix names the key type (api01, admin01, api03), which helps an admin tell keys apart.
        var prefixEnd = key.StartsWith("sk-ant-", StringComparison.Ordinal) ? key.IndexOf('-', "sk-ant-".Length) + 1 : 0;
        var secret = key[prefixEnd..];
        if (secret.Length < 16)
        {
            return prefixEnd > 0 ? $"{key[..prefixEnd]}..." : "...";
        }

        return $"{key[..prefixEnd]}{secret[..3]}...{secret[^4..]}";
    }
}
