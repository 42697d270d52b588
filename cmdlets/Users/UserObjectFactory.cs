using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using System.Text.Json;

namespace Microsoft.Graph.Entra.Rs.Users;

/// <summary>
/// Turns a Graph user into the object Get-EntraUser emits: Graph's properties in PascalCase
/// (as Microsoft.Graph.Entra shows them), <c>ObjectId</c> beside <c>Id</c> so the object binds
/// to -UserId/-ObjectId down the pipeline, and timestamps as DateTimeOffset.
/// </summary>
internal static class UserObjectFactory
{
    public const string TypeName = "Microsoft.Graph.Entra.Rs.User";

    public static PSObject Create(Dictionary<string, JsonElement> user)
    {
        var result = new PSObject();
        result.TypeNames.Insert(0, TypeName);
        foreach ((string name, JsonElement value) in user)
        {
            if (name.StartsWith('@'))
            {
                continue; // OData annotations
            }

            string property = char.ToUpperInvariant(name[0]) + name.Substring(1);
            result.Properties.Add(new PSNoteProperty(property, Convert(property, value)));
            if (property == "Id")
            {
                result.Properties.Add(new PSNoteProperty("ObjectId", Convert(property, value)));
            }
        }

        return result;
    }

    private static object? Convert(string property, JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String when property.EndsWith("DateTime", StringComparison.Ordinal)
            && DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset at) => at,
        JsonValueKind.String => value.GetString(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        JsonValueKind.Number when value.TryGetInt64(out long n) => n,
        JsonValueKind.Number => value.GetDouble(),
        JsonValueKind.Array => value.EnumerateArray().Select(v => Convert(property, v)).ToArray(),
        _ => PSObject.AsPSObject(value.EnumerateObject().ToDictionary(p => p.Name, p => Convert(p.Name, p.Value))),
    };
}
