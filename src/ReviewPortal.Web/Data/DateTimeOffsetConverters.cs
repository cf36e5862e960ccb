using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace ReviewPortal.Web.Data;

/// <summary>Stores a DateTimeOffset as UTC ticks (an ordered integer); reads back as UTC.</summary>
public sealed class UtcTicksConverter() : ValueConverter<DateTimeOffset, long>(
    value => value.UtcTicks,
    ticks => new DateTimeOffset(ticks, TimeSpan.Zero));

/// <summary>Normalises a DateTimeOffset to offset zero (PostgreSQL's timestamptz stores the instant only).</summary>
public sealed class UtcOffsetConverter() : ValueConverter<DateTimeOffset, DateTimeOffset>(
    value => value.ToUniversalTime(),
    value => value.ToUniversalTime());
