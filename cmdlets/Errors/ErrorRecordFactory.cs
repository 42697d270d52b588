using System;
using System.Management.Automation;
using System.Reflection;

namespace Microsoft.Graph.Entra.Rs.Errors;

/// <summary>
/// Builds ErrorRecords the same way everywhere: a stable error id (PowerShell appends the
/// cmdlet class to form the FullyQualifiedErrorId, which tests and scripts match on), a
/// category, the offending object, and ErrorDetails carrying the message and what to do.
/// </summary>
public static class ErrorRecordFactory
{
    /// <summary>Error id used when the Rust library cannot be loaded.</summary>
    public const string NativeLibraryUnavailableId = "NativeLibraryUnavailable";

    public static ErrorRecord Create(
        Exception exception,
        string errorId,
        ErrorCategory category,
        object? targetObject,
        string? recommendedAction = null)
    {
        var record = new ErrorRecord(exception, errorId, category, targetObject)
        {
            ErrorDetails = new ErrorDetails(exception.Message),
        };
        if (!string.IsNullOrEmpty(recommendedAction))
        {
            record.ErrorDetails.RecommendedAction = recommendedAction;
        }

        return record;
    }

    /// <summary>An argument the user gave is wrong: category InvalidArgument.</summary>
    public static ErrorRecord InvalidArgument(
        string errorId,
        string message,
        object? targetObject,
        string? recommendedAction = null) =>
        Create(new ArgumentException(message), errorId, ErrorCategory.InvalidArgument, targetObject, recommendedAction);

    /// <summary>A named thing does not exist: category ObjectNotFound.</summary>
    public static ErrorRecord NotFound(
        string errorId,
        string message,
        object? targetObject,
        string? recommendedAction = null) =>
        Create(new ItemNotFoundException(message), errorId, ErrorCategory.ObjectNotFound, targetObject, recommendedAction);

    /// <summary>
    /// Finds a native-load failure inside <paramref name="exception"/>. The first P/Invoke may
    /// run inside the bindings' static constructor (interoptopus' API guard), which wraps the
    /// resolver's DllNotFoundException in a TypeInitializationException.
    /// </summary>
    public static bool TryGetNativeLoadFailure(Exception exception, out Exception loadFailure)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
            {
                loadFailure = e;
                return true;
            }

            if (e is not (TypeInitializationException or TargetInvocationException))
            {
                break;
            }
        }

        loadFailure = exception;
        return false;
    }

    /// <summary>The Rust library is missing or unusable: category ResourceUnavailable.</summary>
    public static ErrorRecord NativeLibraryUnavailable(Exception loadFailure) =>
        Create(
            loadFailure,
            NativeLibraryUnavailableId,
            ErrorCategory.ResourceUnavailable,
            Native.NativeLibraryResolver.ExpectedPath,
            "Run ./build.ps1 from the repository root, or reinstall the module.");
}
