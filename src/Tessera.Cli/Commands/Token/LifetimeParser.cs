using System.Globalization;
using Tessera.Core.Errors;

namespace Tessera.Cli.Commands.Token;

/// <summary>Parses lifetimes like <c>30d</c>, <c>12h</c>, <c>90m</c> or <c>never</c>.</summary>
internal static class LifetimeParser
{
    public static TimeSpan? Parse(string text)
    {
        text = text.Trim().ToLowerInvariant();
        if (text == "never") return null;
        if (text.Length >= 2 && int.TryParse(text[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0)
        {
            switch (text[^1])
            {
                case 'd': return TimeSpan.FromDays(n);
                case 'h': return TimeSpan.FromHours(n);
                case 'm': return TimeSpan.FromMinutes(n);
            }
        }
        throw TesseraException.Validation($"'{text}' is not a lifetime: use a number with d, h or m (e.g. 30d, 12h), or 'never'.");
    }
}
