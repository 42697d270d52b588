# Installs the native library into runtimes/<rid>/native/ without writing into the file a
# running pwsh may have loaded. Copying over it in place changes the pages a process has mapped
# (on Linux that crashed a pwsh mid-run); Windows refuses to overwrite a loaded DLL at all. So
# the new library is written beside it and renamed into place: the running process keeps the
# old file (its inode on Unix, its renamed file on Windows) and new processes load the new one.

function Install-NativeLibrary {
    <#
    Copies $Source to $Destination by writing a new file in the destination's folder and
    renaming it over the destination. On Windows, when the old library is loaded and cannot be
    replaced, it is renamed aside first (a loaded DLL can be renamed, not overwritten) and the
    build says what to do. Returns @{ Path; MovedAside } (MovedAside: the old file's new name, or $null).
    #>
    param(
        [Parameter(Mandatory)] [string] $Source,
        [Parameter(Mandatory)] [string] $Destination
    )
    $folder = Split-Path -Parent $Destination
    $leaf = Split-Path -Leaf $Destination
    New-Item -ItemType Directory -Force -Path $folder | Out-Null
    Remove-StaleNativeLibrary -Folder $folder -Leaf $leaf

    # Same folder, so the rename never crosses file systems (and stays atomic on Unix).
    $staged = Join-Path $folder "$leaf.$PID.new"
    Copy-Item -LiteralPath $Source -Destination $staged -Force
    try {
        # rename(2) on Unix; MoveFileEx(MOVEFILE_REPLACE_EXISTING) on Windows.
        [System.IO.File]::Move($staged, $Destination, $true)
        return [pscustomobject]@{ Path = $Destination; MovedAside = $null }
    }
    catch [System.UnauthorizedAccessException], [System.IO.IOException] {
        if (-not $IsWindows) {
            Remove-Item -LiteralPath $staged -Force -ErrorAction Ignore
            throw
        }
    }

    # Windows: the old library is loaded by a running pwsh. Rename it aside, then move the new
    # one in; the running session keeps using the old file until it exits.
    $aside = Join-Path $folder "$leaf.old-$([DateTime]::UtcNow.ToString('yyyyMMddHHmmssfff'))"
    try {
        [System.IO.File]::Move($Destination, $aside)
        [System.IO.File]::Move($staged, $Destination)
    }
    catch {
        Remove-Item -LiteralPath $staged -Force -ErrorAction Ignore
        throw "$Destination is in use and could not be replaced ($($_.Exception.Message)). Close every pwsh that imported Microsoft.Graph.Entra.Rs (Get-Process pwsh), then run ./build.ps1 again."
    }
    Write-Warning ("$leaf was loaded by a running pwsh, so it could not be replaced: the old library is now '$(Split-Path -Leaf $aside)' and that session keeps using it until it exits; " +
        "new sessions load the new one. Close the pwsh sessions that imported Microsoft.Graph.Entra.Rs (and re-import the module there to use the new build); the next build deletes the old file.")
    [pscustomobject]@{ Path = $Destination; MovedAside = $aside }
}

function Remove-StaleNativeLibrary {
    # Libraries renamed aside by earlier builds, and staged copies a crashed build left behind;
    # one still loaded (Windows) stays until its process exits.
    param([Parameter(Mandatory)] [string] $Folder, [Parameter(Mandatory)] [string] $Leaf)
    foreach ($stale in @(Get-ChildItem -LiteralPath $Folder -File -Filter "$Leaf.*" -ErrorAction Ignore)) {
        if ($stale.Name -match '\.(old-\d+|\d+\.new)$') {
            Remove-Item -LiteralPath $stale.FullName -Force -ErrorAction Ignore
        }
    }
}
