# Revoke-EntraSignedInUserAllRefreshToken (POST /me/revokeSignInSessions): the signed-in user's
# own sessions, with a delegated connection (device code, or a delegated access token); a clear
# error with an app-only connection, before anything is sent; PermissionDenied naming
# User.RevokeSessions.All on 403; a token renewed once when it expired.

BeforeAll {
    . (Join-Path $PSScriptRoot 'Support/TestSetup.ps1')
    Import-Module (Join-Path $PSScriptRoot 'Support/EmulatorHarness.psm1') -Force

    $CmdletId = 'Microsoft.Graph.Entra.Rs.Cmdlets.RevokeEntraSignedInUserAllRefreshTokenCommand'
    $Adele = 'AdeleV@contoso.com'
    $AdeleId = '87d349ed-44d7-43e1-9a83-5f2406dee5bd'
    $Emulator = Start-GraphEmulator
    $Env = Add-GraphEmulatorEnvironment -Name 'SignedInUserEmulator'

    function Connect-AsAdele([string[]] $Scopes = @('User.RevokeSessions.All')) {
        # The built-in public client signs Adele in after two pending polls.
        Connect-Entra -Environment $Env -Scopes $Scopes -UseDeviceCode -NoWelcome -WarningAction SilentlyContinue
    }

    function Get-MeRequests {
        @(Get-GraphEmulatorRequest | Where-Object path -eq '/v1.0/me/revokeSignInSessions')
    }
}

AfterAll {
    Disconnect-Entra
    Stop-GraphEmulator $Emulator
}

Describe 'Revoke-EntraSignedInUserAllRefreshToken' {
    BeforeEach {
        Reset-GraphEmulator
        Disconnect-Entra
    }

    It 'revokes the signed-in user''s sessions and returns Value $true' {
        Connect-AsAdele
        $result = Revoke-EntraSignedInUserAllRefreshToken
        $result.Value | Should -BeTrue
        $result.UserId | Should -BeExactly $Adele
        $result.HttpStatus | Should -Be 200
        $result.RequestId | Should -Not -BeNullOrEmpty
        (Get-GraphEmulatorUserState $Adele).revocations | Should -Be 1
        @(Get-MeRequests).Count | Should -Be 1
    }

    It 'works with a delegated access token obtained elsewhere' {
        Add-GraphEmulatorToken -Token 'adele-delegated' -Kind Delegated -UserId $AdeleId -Scopes User.RevokeSessions.All | Out-Null
        Connect-GraphEmulator -Name $Env -Token 'adele-delegated'
        (Revoke-EntraSignedInUserAllRefreshToken).Value | Should -BeTrue
        (Get-GraphEmulatorUserState $Adele).revocations | Should -Be 1
    }

    It 'writes one verbose line per request, as the bulk cmdlet does' {
        Connect-AsAdele
        $verbose = Revoke-EntraSignedInUserAllRefreshToken -Verbose 4>&1 |
            Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -match '^POST ' }
        @($verbose).Count | Should -Be 1
        $verbose.Message | Should -Match '^POST /v1\.0/me/revokeSignInSessions -> 200 \(attempt 1, \d+ ms\)$'
    }

    It 'sends nothing with -WhatIf' {
        Connect-AsAdele
        Revoke-EntraSignedInUserAllRefreshToken -WhatIf | Should -BeNullOrEmpty
        Get-MeRequests | Should -BeNullOrEmpty
    }

    It 'refuses an app-only connection with a clear error, before any request' {
        $clientId = [guid]::NewGuid().ToString()
        Register-GraphEmulatorApp -ClientId $clientId -Secret 'app-secret' -Roles User.RevokeSessions.All | Out-Null
        $credential = [pscredential]::new($clientId, (ConvertTo-SecureString 'app-secret' -AsPlainText -Force))
        Connect-Entra -Environment $Env -TenantId (Get-GraphEmulatorTenantId) -ClientSecretCredential $credential -NoWelcome
        $errors = $null
        Revoke-EntraSignedInUserAllRefreshToken -ErrorAction SilentlyContinue -ErrorVariable errors | Should -BeNullOrEmpty
        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -BeExactly "DelegatedSignInRequired,$CmdletId"
        $errors[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
        $errors[0].Exception.Message | Should -Match 'app-only'
        $errors[0].ErrorDetails.RecommendedAction | Should -Match 'Connect-Entra -Scopes User.RevokeSessions.All -UseDeviceCode'
        Get-MeRequests | Should -BeNullOrEmpty
    }

    It 'reads Graph''s answer the same way for an opaque app-only token' {
        Connect-GraphEmulator -Name $Env
        $errors = $null
        Revoke-EntraSignedInUserAllRefreshToken -ErrorAction SilentlyContinue -ErrorVariable errors | Out-Null
        $errors[0].FullyQualifiedErrorId | Should -BeExactly "DelegatedSignInRequired,$CmdletId"
    }

    It 'gives PermissionDenied naming User.RevokeSessions.All when the token lacks it (403)' {
        Connect-AsAdele -Scopes 'User.Read'
        $errors = $null
        Revoke-EntraSignedInUserAllRefreshToken -ErrorAction SilentlyContinue -ErrorVariable errors | Should -BeNullOrEmpty
        $errors[0].FullyQualifiedErrorId | Should -BeExactly "PermissionDenied,$CmdletId"
        $errors[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
        $errors[0].Exception.HttpStatus | Should -Be 403
        $errors[0].Exception.Message | Should -Match 'User\.RevokeSessions\.All'
        $errors[0].ErrorDetails.Message | Should -Match 'User\.RevokeSessions\.All'
        (Get-GraphEmulatorUserState $Adele).revocations | Should -Be 0
    }

    It 'renews an expired token once with the refresh token and succeeds' {
        Connect-AsAdele
        Invoke-GraphEmulatorTokenExpiry | Should -BeGreaterOrEqual 1
        (Revoke-EntraSignedInUserAllRefreshToken).Value | Should -BeTrue
        @(Get-GraphEmulatorSignIn | Where-Object grantType -eq 'refresh_token').Count | Should -Be 1
        @(Get-MeRequests).status | Should -Be @(401, 200)
    }

    It 'fails when not connected' {
        { Revoke-EntraSignedInUserAllRefreshToken -ErrorAction Stop } | Should -Throw -ErrorId "NotConnected,$CmdletId"
    }
}
