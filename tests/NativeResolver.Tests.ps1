# Where the module looks for its Rust library, and how it fails when the file is missing.

BeforeAll {
    . (Join-Path $PSScriptRoot 'Support/TestSetup.ps1')
    $Resolver = 'Microsoft.Graph.Entra.Rs.Native.NativeLibraryResolver' -as [type]
}

Describe 'NativeLibraryResolver' {
    It 'expects the library in runtimes/RID/native under the module root' {
        $expected = Join-Path $RepoRoot "runtimes/$(Get-RuntimeId)/native/$(Get-NativeFileName)"
        $Resolver::ExpectedPath | Should -BeExactly $expected
    }

    It 'agrees with build.ps1 on the runtime id and file name' {
        $Resolver::RuntimeId | Should -BeExactly (Get-RuntimeId)
        $Resolver::PlatformFileName | Should -BeExactly (Get-NativeFileName)
    }

    It 'takes the full path from ENTRA_RS_NATIVE_PATH' {
        $missing = Join-Path ([System.IO.Path]::GetTempPath()) "entra-rs-missing-$PID/libnothing.so"
        $result = Invoke-ChildPwsh -Environment @{ ENTRA_RS_NATIVE_PATH = $missing } -Script @"
Import-Module '$ManifestPath'
[Microsoft.Graph.Entra.Rs.Native.NativeLibraryResolver]::ExpectedPath
"@
        $result.Output | Should -Contain $missing
    }

    It 'fails the first native call with a message naming the missing path' {
        $missing = Join-Path ([System.IO.Path]::GetTempPath()) "entra-rs-missing-$PID/libnothing.so"
        # Loopback endpoints: nothing may leave the machine even if the library did load.
        $result = Invoke-ChildPwsh -Environment @{ ENTRA_RS_NATIVE_PATH = $missing } -Script @"
Import-Module '$ManifestPath'
Add-EntraEnvironment -Name Nowhere -GraphEndpoint http://127.0.0.1:9 -AzureADEndpoint http://127.0.0.1:9 | Out-Null
try {
    Connect-Entra -Environment Nowhere -AccessToken (ConvertTo-SecureString 't' -AsPlainText -Force) -ErrorAction Stop | Out-Null
    Revoke-EntraUserAllRefreshToken -UserId 'AdeleV@contoso.com' -ErrorAction Stop | Out-Null
    'no error'
}
catch {
    'id: ' + `$_.FullyQualifiedErrorId
    'error: ' + `$_.ToString()
}
"@
        $result.Output | Should -Not -Contain 'no error'
        $result.Output | Should -Contain 'id: NativeLibraryUnavailable,Microsoft.Graph.Entra.Rs.Cmdlets.ConnectEntraCommand'
        ($result.Output -join "`n") | Should -BeLike "*error: *$missing*"
    }
}
