# Verified revocation (issue 11): -Verify reads each revoked user's signInSessionsValidFromDateTime
# back and says whether the directory confirms it; a guest (whose sessions live in its home
# tenant) is not verified and warned about; a refused read loses nobody; the signed-in user's
# own revocation comes last; a run of more than one user ends with a summary on the
# information stream. Every test runs the real module against graph-emulator.

BeforeAll {
    . (Join-Path $PSScriptRoot 'Support/TestSetup.ps1')
    Import-Module (Join-Path $PSScriptRoot 'Support/EmulatorHarness.psm1') -Force

    $EnvironmentName = 'VerifiedRevocationEmulator'
    $Adele = @{ Upn = 'AdeleV@contoso.com'; Id = '87d349ed-44d7-43e1-9a83-5f2406dee5bd' }
    $Alex = @{ Upn = 'AlexW@contoso.com'; Id = '6e7b768e-07e2-4810-8459-485f84f8f204' }
    $Megan = @{ Upn = 'MeganB@contoso.com'; Id = '48d31887-5fad-4d73-a9f5-3c356e68a038' }
    $Lee = @{ Upn = 'LeeG@contoso.com'; Id = '5bde3e51-d13b-4db1-9948-fe4b109d11a7' }
    $GuestUpn = 'jane.doe_fabrikam.com#EXT#@contoso.onmicrosoft.com'
    $SecondGuestUpn = 'sam.rivera_tailspintoys.com#EXT#@contoso.onmicrosoft.com'
    $Members = @($Adele.Upn, $Alex.Upn, $Megan.Id, $Lee.Upn)
    $Select = '$select=id,userPrincipalName,userType,signInSessionsValidFromDateTime'

    $Emulator = Start-GraphEmulator -Users 40

    function Invoke-Revoke {
        # Runs the cmdlet on $Inputs, gathering results, error records, warnings and the summary.
        param([string[]] $Inputs, [hashtable] $Parameters = @{})
        $warnings = $null
        $errors = $null
        $information = $null
        $results = @($Inputs | Revoke-EntraUserAllRefreshToken @Parameters -WarningVariable warnings -WarningAction SilentlyContinue `
                -ErrorVariable errors -ErrorAction SilentlyContinue -InformationVariable information)
        [pscustomobject]@{
            Results = $results
            Errors = @($errors)
            Warnings = @($warnings | ForEach-Object Message)
            Summary = @($information | Where-Object { $_.Tags -contains 'Microsoft.Graph.Entra.Rs.Summary' })
        }
    }

    function Get-Request { @(Get-GraphEmulatorRequest) }
}

AfterAll {
    Disconnect-Entra
    Stop-GraphEmulator $Emulator
}

Describe 'Revoke-EntraUserAllRefreshToken -Verify' {
    BeforeEach {
        Reset-GraphEmulator
        Connect-GraphEmulator -Name $EnvironmentName
    }

    It 'reads a revoked member back and reports it verified, with the directory''s time in UTC' {
        $sent = [DateTimeOffset]::UtcNow
        $run = Invoke-Revoke $Adele.Upn @{ Verify = $true }
        $run.Errors | Should -HaveCount 0
        $run.Warnings | Should -HaveCount 0
        $run.Results | Should -HaveCount 1
        $result = $run.Results[0]
        $result.Verified | Should -BeTrue
        $result.SignInSessionsValidFrom | Should -BeOfType [DateTimeOffset]
        $result.SignInSessionsValidFrom.Offset | Should -Be ([TimeSpan]::Zero)
        $result.SignInSessionsValidFrom | Should -Be ([DateTimeOffset](Get-GraphEmulatorUserState $Adele.Upn).signInSessionsValidFromDateTime)
        $result.SignInSessionsValidFrom | Should -BeGreaterOrEqual $sent.AddSeconds(-1)
        $requests = Get-Request
        $requests.method | Should -Be @('POST', 'GET')
        $requests[1].rawPath | Should -BeExactly "/v1.0/users/$($Adele.Upn)?$Select"
    }

    It 'reports a guest not verified, with a warning naming it and its home tenant, and goes on' {
        $run = Invoke-Revoke @($GuestUpn, $Alex.Upn) @{ Verify = $true }
        $run.Errors | Should -HaveCount 0
        $run.Results | Should -HaveCount 2
        $guest = $run.Results | Where-Object UserId -eq $GuestUpn
        $guest.Value | Should -BeTrue -Because 'Graph answered success'
        $guest.Verified | Should -BeFalse
        $guest.SignInSessionsValidFrom | Should -Be ([DateTimeOffset]'2024-01-01T00:00:00Z')
        ($run.Results | Where-Object UserId -eq $Alex.Upn).Verified | Should -BeTrue
        $run.Warnings | Should -HaveCount 1
        $warning = $run.Warnings[0]
        $warning | Should -BeLike "*'$GuestUpn'*"
        $warning | Should -BeLike '*external (guest)*home tenant*'
        # The request reached Graph and was answered 200: the record simply did not move.
        (Get-GraphEmulatorUserState $GuestUpn).revocations | Should -Be 1
    }

    It 'sends nothing but the revocations without -Verify, and leaves Verified null' {
        $run = Invoke-Revoke ($Members + $GuestUpn)
        $run.Results | Should -HaveCount 5
        $run.Results | ForEach-Object { $_.Verified | Should -BeNullOrEmpty; $_.SignInSessionsValidFrom | Should -BeNullOrEmpty }
        $run.Warnings | Should -HaveCount 0
        $requests = Get-Request
        $requests | Should -HaveCount 5
        $requests.method | Sort-Object -Unique | Should -Be @('POST')
    }

    It 'gives the same results with -UseBatch, reads riding in $batch requests' {
        $inputs = $Members + $GuestUpn + $SecondGuestUpn + (1..20 | ForEach-Object { 'user{0:000000}@contoso.com' -f $_ })
        $single = Invoke-Revoke $inputs @{ Verify = $true }
        $singleRequests = Get-Request
        Reset-GraphEmulator
        $batched = Invoke-Revoke $inputs @{ Verify = $true; UseBatch = $true }
        $batchRequests = Get-Request

        $shape = { $args[0].Results | ForEach-Object { '{0}={1}' -f $_.UserId, $_.Verified } | Sort-Object }
        (& $shape $batched) | Should -Be (& $shape $single)
        @($batched.Results | Where-Object Verified -eq $false).UserId | Sort-Object | Should -Be (@($GuestUpn, $SecondGuestUpn) | Sort-Object)
        ($batched.Warnings | Sort-Object) | Should -Be ($single.Warnings | Sort-Object)
        $singleRequests | Should -HaveCount (2 * $inputs.Count)
        $batchRequests.path | Sort-Object -Unique | Should -Be @('/v1.0/$batch')
        $items = $batchRequests | ForEach-Object { $_.batchItems }
        @($items | Where-Object { $_ -like '*revokeSignInSessions' }) | Should -HaveCount $inputs.Count
        @($items | Where-Object { $_ -like "*?$Select" }) | Should -HaveCount $inputs.Count
    }

    It 'loses nobody when the read is refused (403): each is a result, not verified, with a warning naming User.Read.All' {
        Add-GraphEmulatorToken -Token 'revoke-only' -Roles User.RevokeSessions.All | Out-Null
        Connect-GraphEmulator -Name $EnvironmentName -Token 'revoke-only'
        foreach ($useBatch in $false, $true) {
            Reset-GraphEmulator
            Add-GraphEmulatorToken -Token 'revoke-only' -Roles User.RevokeSessions.All | Out-Null
            $run = Invoke-Revoke $Members @{ Verify = $true; UseBatch = $useBatch }
            $run.Errors | Should -HaveCount 0 -Because "the revocations succeeded (batched: $useBatch)"
            $run.Results | Should -HaveCount 4
            $run.Results.Verified | Sort-Object -Unique | Should -Be @($false)
            $run.Warnings | Should -HaveCount 4
            $run.Warnings | ForEach-Object { $_ | Should -BeLike '*User.Read.All*Authorization_RequestDenied*' }
            foreach ($user in $Adele, $Alex, $Megan, $Lee) {
                (Get-GraphEmulatorUserState $user.Id).revocations | Should -Be 1
            }
        }
    }

    It 'ends a run of more than one user with the engine''s summary on the information stream' {
        $run = Invoke-Revoke ($Members + $GuestUpn + 'nobody@contoso.com') @{ Verify = $true }
        $run.Results | Should -HaveCount 5
        $run.Errors | Should -HaveCount 1
        $run.Summary | Should -HaveCount 1
        $record = $run.Summary[0]
        $record.Tags | Should -Contain 'Summary'
        $summary = $record.MessageData
        $summary.Revoked | Should -Be 5
        $summary.Verified | Should -Be 4
        $summary.NotVerified | Should -Be 1
        $summary.Failed | Should -Be 1
        $summary.FailedByKind['NotFound'] | Should -Be 1
        $summary.ThrottleWait | Should -Be ([TimeSpan]::Zero)
        $summary.Elapsed | Should -BeGreaterThan ([TimeSpan]::Zero)
        "$summary" | Should -BeLike 'Revoked 5 of 6 users, 4 verified by the directory, 1 not verified, 1 failed (1 NotFound); 0.0 s waiting on throttling, * s in all.'
        # Scripts that do not ask see nothing of it: 6>&1 is the only way it reaches the output.
        $shown = @($Adele.Upn, $Alex.Upn | Revoke-EntraUserAllRefreshToken 6>&1 | Where-Object { $_ -is [System.Management.Automation.InformationRecord] })
        $shown | Should -HaveCount 1
        (Invoke-Revoke $Adele.Upn).Summary | Should -HaveCount 0 -Because 'one user needs no summary'
    }

    It 'counts time waiting on throttling in the summary, and every user still gets one result' {
        Set-GraphEmulatorFault @{ rate429 = 0.3; retryAfter429 = '0.3'; seed = 7 }
        $inputs = 1..30 | ForEach-Object { 'user{0:000000}@contoso.com' -f $_ }
        $run = Invoke-Revoke $inputs @{ Verify = $true }
        $run.Errors | Should -HaveCount 0
        $run.Results | Should -HaveCount 30
        $run.Results.Verified | Sort-Object -Unique | Should -Be @($true)
        $summary = $run.Summary[0].MessageData
        (Get-GraphEmulatorStat).throttled | Should -BeGreaterThan 0
        $summary.ThrottleWait | Should -BeGreaterOrEqual ([TimeSpan]::FromSeconds(0.3)) -Because 'at least one Retry-After of 0.3 s was waited out'
        $summary.ThrottleWait | Should -BeLessOrEqual $summary.Elapsed
        (Get-GraphEmulatorStat).earlyRetries | Should -Be 0
    }
}

Describe 'Revoke-EntraUserAllRefreshToken with the signed-in user among the targets' {
    BeforeAll {
        $DelegatedEnv = Add-GraphEmulatorEnvironment -Name 'VerifiedRevocationDelegated'
    }

    BeforeEach {
        Reset-GraphEmulator
        Disconnect-Entra
        # The built-in public client signs Adele in (device code) with a JWT carrying her oid and upn.
        Connect-Entra -Environment $DelegatedEnv -Scopes User.RevokeSessions.All -UseDeviceCode -NoWelcome -WarningAction SilentlyContinue
    }

    It 'revokes the signed-in user last, after every other outcome, and warns before' {
        $inputs = @($Adele.Upn.ToUpperInvariant(), $Alex.Upn, $Megan.Id) + (1..20 | ForEach-Object { 'user{0:000000}@contoso.com' -f $_ }) + $Adele.Id
        $run = Invoke-Revoke $inputs @{ ThrottleLimit = 4 }
        $run.Errors | Should -HaveCount 0
        $run.Results | Should -HaveCount 24
        $run.Results[-2..-1].UserId | Sort-Object | Should -Be (@($Adele.Upn.ToUpperInvariant(), $Adele.Id) | Sort-Object)
        $run.Warnings | Should -HaveCount 2
        $run.Warnings[0] | Should -BeLike "*'$($Adele.Upn.ToUpperInvariant())' is the signed-in user*revoked last*"
        $revocations = @(Get-GraphEmulatorRequest | Where-Object path -like '*/revokeSignInSessions')
        $revocations | Should -HaveCount 24
        $revocations[-2..-1].path | ForEach-Object { $_ | Should -Match "($([regex]::Escape($Adele.Upn.ToUpperInvariant()))|$($Adele.Id))/revokeSignInSessions$" }
    }

    It 'holds back nothing but the signed-in user: the others stream as before' {
        $run = Invoke-Revoke @($Alex.Upn, $Megan.Upn)
        $run.Warnings | Should -HaveCount 0
        # Both come at once, in whichever order Graph answers them (results stream in completion order).
        $run.Results.UserId | Sort-Object | Should -Be (@($Alex.Upn, $Megan.Upn) | Sort-Object)
    }
}
