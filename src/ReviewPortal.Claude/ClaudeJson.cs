using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ReviewPortal.Claude;

/// <summary>Shared System.Text.Json settings for the Claude wire format (snake_case, lenient timestamps).</summary>
public static class ClaudeJson
{
    /// <summary>Serializer options used for every Claude request and response body.</summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        };
        options.Converters.Add(new LenientDateTimeOffsetConverter());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    /// <summary>
    /// Parses an RFC 3339 / ISO 8601 timestamp. Some documented directory examples omit the zone
    /// (<c>2025-03-12T18:22:41.123456</c>); those are taken as UTC rather than local time.
    /// </summary>
    public static bool TryParseTimestamp(string? text, out DateTimeOffset value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        return DateTimeOffset.TryParse(
            text,
            CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal,
            out value);
    }

    /// <summary>Formats a timestamp as RFC 3339 in UTC with a <c>Z</c> suffix, e.g. <c>2026-04-01T00:00:00Z</c>.</summary>
    public static string FormatTimestamp(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

    private sealed class LenientDateTimeOffsetConverter : JsonConverter<DateTimeOffset>
    {
        public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var text = reader.GetString();
            return TryParseTimestamp(text, out var value)
                ? value
                : throw new JsonException($"Unparseable timestamp '{text}'.");
        }

        public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
            writer.WriteStringValue(FormatTimestamp(value));
    }
}
