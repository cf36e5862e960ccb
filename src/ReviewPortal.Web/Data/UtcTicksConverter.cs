using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace ReviewPortal.Web.Data;

/// <summary>Stores a DateTimeOffset as UTC ticks (an ordered integer); reads back as UTC.</summary>
public sealed class UtcTicksConverter() : ValueConverter<DateTimeOffset, long>(
    value => value.UtcTicks,
    ticks => new DateTimeOffset(ticks, TimeSpan.Zero));
