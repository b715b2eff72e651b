"""Owner accuracy on ownership questions: the gold sets in evals/questions/*.yaml (written by
another author; loaded when present) and paraphrases of the same duties in many voices."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.config import Settings, get_settings
from assistant.evaluation.labels import QuestionSet, load_question_set
from assistant.retrieval import ask, build_index

QUESTIONS = Path(__file__).resolve().parent.parent / "evals" / "questions"

# (question, expected first owner, roles that must never be named as owner)
PARAPHRASES: list[tuple[str, str, list[str]]] = [
    (
        "Who is supposed to nudge the merchant after the certification expert's call?",
        "internal_sdr",
        ["certification_sme"],
    ),
    (
        "After the technical deep-dive, whose job is it to get back to the client?",
        "internal_sdr",
        ["certification_sme", "technical_pm"],
    ),
    ("Should the technical PM send the follow-up email to the prospect?", "internal_sdr", ["technical_pm"]),
    ("The buyer has gone silent for two weeks. Who should reach out?", "internal_sdr", ["certification_sme"]),
    (
        "Is it OK for the SME to negotiate the price directly with procurement?",
        "internal_sdr",
        ["certification_sme"],
    ),
    ("Can the technical project manager quote the customer a number?", "internal_sdr", ["technical_pm"]),
    ("Who handles the money conversation with the customer?", "internal_sdr", ["certification_sme"]),
    ("Who has to OK a 20 percent discount?", "leadership", ["sales_manager", "certification_sme"]),
    ("The client is pushing for 18% off. Who signs that?", "leadership", ["sales_manager"]),
    ("Customer asked for twelve percent off, who approves?", "sales_manager", ["certification_sme"]),
    ("Who approves a discount of exactly 15%?", "sales_manager", []),
    ("Can my sales manager approve 40% off?", "leadership", ["sales_manager"]),
    ("Who gives the green light on a 25% price reduction?", "leadership", ["sales_manager"]),
    ("Who owns an opportunity after the partner hands it over?", "internal_sdr", ["external_rep"]),
    ("Does the referral partner own the deal once Omni accepts it?", "internal_sdr", ["external_rep"]),
    ("Who is the deal owner inside Omni?", "internal_sdr", ["external_rep", "certification_sme"]),
    ("Who introduces new prospects to Omni?", "external_rep", []),
    ("Who runs discovery on a new FastFlex lead?", "internal_sdr", ["external_rep"]),
    ("Who fills out the discovery checklist?", "internal_sdr", []),
    ("Who keeps the pipeline clean?", "internal_sdr", []),
    ("Who decides to loop in a certification SME?", "internal_sdr", []),
    ("Who sets the customer's expectations on timing?", "internal_sdr", []),
    ("Can a partner rep promise the customer we'll be certified by Q3?", "internal_sdr", ["external_rep"]),
    ("Is the cert SME allowed to commit to a go-live date?", "internal_sdr", ["certification_sme"]),
    (
        "Who can guarantee a delivery date to the customer?",
        "internal_sdr",
        ["certification_sme", "external_rep"],
    ),
    (
        "Who approves doing the first terminal certification at no charge?",
        "leadership",
        ["certification_sme"],
    ),
    ("Customer wants us to waive the onboarding fee - whose call?", "leadership", []),
    ("Who signs off on matching a competitor's quote?", "leadership", []),
    ("Who validates scope assumptions before the contract?", "certification_sme", ["external_rep"]),
    ("Who checks the processor and tooling constraints?", "certification_sme", ["external_rep"]),
    ("The merchant isn't sure if they're on TSYS or Fiserv. Who reviews that?", "certification_sme", []),
    (
        "The customer plans to use their own home-grown test harness. Who needs to look at it?",
        "certification_sme",
        [],
    ),
    (
        "We have an unattended parking deployment - who must review it before the proposal?",
        "certification_sme",
        [],
    ),
    ("Who reviews an EV charger project?", "certification_sme", []),
    (
        "The customer wants Omni to take over their remote key injection. Who reviews that request?",
        "leadership",
        [],
    ),
    ("Customer asked if we could handle their PCI PTS approvals, who decides?", "leadership", []),
    (
        "The prospect wants us to do their merchant boarding and MIDs. Who has to approve that?",
        "leadership",
        [],
    ),
    (
        "A partner told the customer we'd do it for a fixed fee. Who deals with that promise?",
        "leadership",
        ["external_rep"],
    ),
    ("Who reviews unusual contract terms like net 90 payment?", "deal_desk", []),
    ("Who resolves a disagreement between the SME and the SDR?", "leadership", []),
    ("Who writes up the proposal for the customer?", "internal_sdr", []),
    ("Who decides the deal is ready to move to proposal stage?", "internal_sdr", []),
    ("Who kicks off the project after the contract is signed?", "program_manager", []),
    ("Once the customer signs, who takes over?", "program_manager", []),
    ("Who reports status during the certification project?", "program_manager", []),
    ("Who gets the analyst sign-off at the end?", "program_manager", []),
    (
        "Mid-project the customer wants to add two more terminal models. Who handles that?",
        "program_manager",
        ["certification_sme", "engineering"],
    ),
    (
        "Can engineering just agree to extra work the customer asks for during delivery?",
        "program_manager",
        ["engineering"],
    ),
    ("Who does the engineering work in delivery?", "engineering", []),
    ("Who answers deep technical questions during a customer call?", "certification_sme", ["leadership"]),
    ("Should leadership drive the technical scoping call?", "certification_sme", ["leadership"]),
    ("Who protects delivery margins before the deal closes?", "certification_sme", []),
    ("Who approves a material change to the standard scope?", "leadership", []),
    ("Who reviews stage accuracy on large deals?", "sales_manager", []),
    ("Who qualifies a mid-market deal?", "internal_sdr", []),
    ("Who chases the customer for the signed contract?", "internal_sdr", ["certification_sme"]),
    ("Who pings the customer for the missing processor details?", "internal_sdr", ["certification_sme"]),
    ("Who coordinates certification testing with the labs after kickoff?", "program_manager", []),
    ("Who manages dependencies on the gateway during delivery?", "program_manager", []),
    ("Who hands the deal over to the delivery team?", "program_manager", []),
    (
        "who's meant to follow up w/ the customer after our cert engineer joins a call?",
        "internal_sdr",
        ["certification_sme"],
    ),
    (
        "Tell me who sends the customer a recap after the validation call",
        "internal_sdr",
        ["certification_sme", "technical_pm"],
    ),
    ("If the prospect doesn't reply, whose responsibility is the chaser?", "internal_sdr", []),
    ("Our SME wants to email pricing to the client. Allowed?", "internal_sdr", ["certification_sme"]),
    ("Is the tech PM allowed to negotiate commercials?", "internal_sdr", ["technical_pm"]),
    ("who negotiates with the customer's procurement team", "internal_sdr", ["certification_sme"]),
    ("Who needs to approve it if the customer wants 35% off?", "leadership", ["sales_manager"]),
    ("A 5% discount - who approves that?", "sales_manager", []),
    ("Who can approve knocking 16 percent off the price?", "leadership", ["sales_manager"]),
    ("the customer asked for a fifth off. who decides", "leadership", ["sales_manager"]),
    ("Who has authority over discounting outside the guardrails?", "leadership", ["sales_manager"]),
    (
        "Who's the owner of an opportunity that came from an external partner?",
        "internal_sdr",
        ["external_rep"],
    ),
    ("Can the partner keep running the deal after intro?", "internal_sdr", ["external_rep"]),
    ("Who tells the customer what to expect on scope and timing?", "internal_sdr", []),
    ("Can an SDR promise a certification date without approval?", "internal_sdr", []),
    (
        "A rep told the client we'd be live by March. Who needs to handle that?",
        "leadership",
        ["external_rep"],
    ),
    ("Who can approve throwing in a free re-certification?", "leadership", []),
    ("Who signs off a fixed price for a job that hasn't been scoped?", "leadership", []),
    ("who confirms what processor we'll certify against", "certification_sme", ["external_rep"]),
    ("The deal includes vending machines. Who reviews the risk?", "certification_sme", []),
    ("Customer's transit validators - who has to look at that before we quote?", "certification_sme", []),
    ("Who reviews it when the test tooling is non-standard?", "certification_sme", []),
    (
        "The merchant wants us to fix their terminal firmware. Who decides if we take that on?",
        "leadership",
        [],
    ),
    ("Customer expects Omni to handle chargebacks. Who reviews?", "leadership", []),
    ("Who checks the redlines in the customer's contract?", "deal_desk", []),
    ("Where does an escalation go when SME and SDR can't agree?", "leadership", []),
    ("Who prepares and sends the proposal?", "internal_sdr", []),
    ("Who runs the kick-off meeting after the contract is signed?", "program_manager", []),
    ("Who is in charge of the project once we're in execution?", "program_manager", []),
    ("Who sends project status updates to the merchant?", "program_manager", []),
    (
        "The customer asked the engineer to add a new card brand mid-project. What should happen and who owns it?",
        "program_manager",
        ["engineering"],
    ),
    ("Who fixes test failures during certification?", "engineering", []),
    ("Who should lead a technical scoping call?", "certification_sme", ["leadership"]),
    ("Which role validates the scope before we sign?", "certification_sme", ["external_rep"]),
    ("Who updates the CRM after calls?", "internal_sdr", []),
    ("Who brings in a technical PM when a deal needs one?", "internal_sdr", []),
    ("who sources new opportunities", "external_rep", []),
    ("Who decides whether a deal moves to the next stage?", "internal_sdr", []),
    ("Who does the MEDDIC qualification on enterprise opportunities?", "internal_sdr", []),
    ("Who closes out the project after the analyst signs off?", "program_manager", []),
    (
        "Whose job is it to keep after a prospect who stopped answering emails?",
        "internal_sdr",
        ["certification_sme"],
    ),
    (
        "After a validation call with the technical PM, who follows up with the merchant?",
        "internal_sdr",
        ["technical_pm"],
    ),
    (
        "should engineering reply to the customer's follow-up questions directly?",
        "internal_sdr",
        ["engineering"],
    ),
    (
        "Can a certification SME negotiate terms if the customer asks on a call?",
        "internal_sdr",
        ["certification_sme"],
    ),
    ("Who talks money with the buyer?", "internal_sdr", ["certification_sme"]),
    ("Who should send the customer a price quote?", "internal_sdr", ["certification_sme", "technical_pm"]),
    ("Customer wants 8% off. Who OKs it?", "sales_manager", []),
    ("Who can approve a 50% discount?", "leadership", ["sales_manager"]),
    ("Who approves seventeen percent off?", "leadership", ["sales_manager"]),
    ("Is a 15% discount something the sales manager can approve?", "sales_manager", []),
    (
        "Our partner offered 20% off to close the deal - who needs to sign off?",
        "leadership",
        ["external_rep", "sales_manager"],
    ),
    (
        "Who owns the customer relationship during the sales cycle?",
        "internal_sdr",
        ["certification_sme", "technical_pm"],
    ),
    ("Once a deal is in Omni's pipeline, who is the owner?", "internal_sdr", ["external_rep"]),
    ("Does the SME become the owner after the technical call?", "internal_sdr", ["certification_sme"]),
    ("who gives the customer the certification timeline?", "internal_sdr", ["external_rep"]),
    ("Can the technical PM tell the customer when they'll go live?", "internal_sdr", ["technical_pm"]),
    (
        "The SME already promised the customer certification by May. Who reviews that?",
        "leadership",
        ["certification_sme"],
    ),
    ("Who approves giving a customer free extra work?", "leadership", []),
    ("Who approves a price match against a competitor?", "leadership", []),
    ("Who confirms the tooling needed for certification?", "certification_sme", ["external_rep"]),
    ("The customer has a fuel pump deployment. Who reviews it?", "certification_sme", []),
    ("We found out the client wants self-checkout lanes later. Who has to review?", "certification_sme", []),
    ("The client doesn't know which acquirer they use. Who checks?", "certification_sme", []),
    ("Can we take on tokenization for the gateway? Who decides?", "leadership", []),
    ("Client wants Omni to handle hardware RMAs for the terminals - who decides?", "leadership", []),
    ("Who reviews a liability clause the customer added?", "deal_desk", []),
    ("Who has the final word when pre-sales and sales disagree on a deal?", "leadership", []),
    ("Who drafts the statement of work?", "internal_sdr", []),
    ("Who moves the opportunity into the proposal stage?", "internal_sdr", []),
    ("Who runs the intake meeting?", "program_manager", []),
    ("Who manages the project after the deal is won?", "program_manager", []),
    ("Who keeps track of dependencies on the KIF during the project?", "program_manager", []),
    ("Who signs off that the project is complete?", "program_manager", []),
    (
        "The customer asks our engineers for a new feature in the middle of delivery. Who owns that decision?",
        "program_manager",
        ["engineering"],
    ),
    ("Who writes the code fixes needed to pass certification?", "engineering", []),
    ("Who joins customer calls to answer certification questions?", "certification_sme", []),
    ("Who spots red flags in a deal before we sign?", "certification_sme", ["external_rep"]),
    ("Who keeps opportunity records current in the CRM?", "internal_sdr", []),
    ("Who finds new buyers for FastFlex?", "external_rep", []),
    ("Who checks large deals are in the right stage?", "sales_manager", []),
    (
        "Who should ring the customer back after our engineers have answered their questions?",
        "internal_sdr",
        ["engineering"],
    ),
    ("Who sends the 'just checking in' email when a deal stalls?", "internal_sdr", ["certification_sme"]),
    ("Who is accountable for next steps after a discovery call?", "internal_sdr", []),
    ("Is leadership supposed to do the day-to-day follow-ups?", "internal_sdr", ["leadership"]),
    ("Can the PM discuss pricing with the merchant's finance team?", "internal_sdr", ["technical_pm"]),
    ("Who presents the price to the client?", "internal_sdr", ["certification_sme"]),
    ("The buyer wants 14% off. Who can approve?", "sales_manager", ["certification_sme"]),
    ("Who approves a 60 percent discount?", "leadership", ["sales_manager"]),
    ("Who's allowed to sign off on 24% off list price?", "leadership", ["sales_manager"]),
    ("Whose sign-off do I need to waive implementation fees?", "leadership", []),
    ("Who decides if we offer a fixed-price deal before scoping?", "leadership", []),
    ("Who is the single point of ownership for an opportunity?", "internal_sdr", ["external_rep"]),
    ("After the reseller introduces a merchant, who runs the deal?", "internal_sdr", ["external_rep"]),
    ("Who gives the prospect a realistic go-live estimate?", "internal_sdr", ["external_rep"]),
    (
        "The partner already guaranteed certification by August. Who handles it?",
        "leadership",
        ["external_rep"],
    ),
    (
        "Who validates that the customer's processor assumptions are right?",
        "certification_sme",
        ["external_rep"],
    ),
    ("There's a parking garage use case in this deal. Who needs to review it?", "certification_sme", []),
    ("Customer wants to use a custom in-house test tool. Who evaluates it?", "certification_sme", []),
    ("The merchant asks us to take over their gateway integration build. Who decides?", "leadership", []),
    ("Who should review the customer's request that we manage their settlement process?", "leadership", []),
    ("Who handles a request for non-standard payment terms?", "deal_desk", []),
    ("Who breaks the tie when SME and SDR disagree about scope?", "leadership", []),
    ("Who assembles the proposal?", "internal_sdr", []),
    ("Who leads intake once the contract is signed?", "program_manager", []),
    ("Who coordinates the certification activities during the project?", "program_manager", []),
    ("Who tracks project dependencies and reports status?", "program_manager", []),
    (
        "During delivery, the customer asks the SME to add Interac. Who handles the change?",
        "program_manager",
        ["certification_sme"],
    ),
    ("Who does the development work on the project?", "engineering", []),
    ("Who supports confidence-building calls with the customer?", "certification_sme", []),
    ("Who qualifies SMB deals?", "internal_sdr", []),
    ("the customer hasn't answered in a week, who nudges them?", "internal_sdr", ["certification_sme"]),
    ("Post-demo, who owns reaching back out to the buyer?", "internal_sdr", ["technical_pm"]),
    ("Is the certification SME responsible for customer follow-ups?", "internal_sdr", ["certification_sme"]),
    ("Can engineering give the merchant a price?", "internal_sdr", ["engineering"]),
    ("Who leads commercial negotiations?", "internal_sdr", ["certification_sme", "technical_pm"]),
    ("A customer wants 13% off - who has authority?", "sales_manager", []),
    ("Who approves 19% off?", "leadership", ["sales_manager"]),
    ("customer is asking for a quarter off the price, who approves", "leadership", ["sales_manager"]),
    ("Who approves giving away the first month of support for free?", "leadership", []),
    ("Who owns the opportunity after it enters the pipeline?", "internal_sdr", ["external_rep"]),
    ("Does the partner rep own the relationship after the intro?", "internal_sdr", ["external_rep"]),
    ("Who should tell the customer how long certification will take?", "internal_sdr", ["external_rep"]),
    ("Our SDR promised the customer extra terminals for free. Who deals with it?", "leadership", []),
    ("Who checks which test tools the project needs?", "certification_sme", ["external_rep"]),
    ("The deal has unattended terminals at car washes. Who reviews?", "certification_sme", []),
    ("The customer says maybe Worldpay, maybe Chase. Who looks into that?", "certification_sme", []),
    ("Customer wants us to own their PCI PTS approval. Who reviews that ask?", "leadership", []),
    ("Who decides whether Omni takes on the KIF's key loading?", "leadership", []),
    ("Who reviews a customer's request for net 120 payment terms?", "deal_desk", []),
    ("Who settles a conflict between pre-sales and the SDR?", "leadership", []),
    ("Who writes and sends the proposal?", "internal_sdr", []),
    ("Who runs kickoff once the contract is signed?", "program_manager", []),
    ("Who owns the project after signature?", "program_manager", []),
    ("Who reports project status?", "program_manager", []),
    ("Customer wants to add a new region mid-project - who manages that change?", "program_manager", []),
    ("Who fixes defects found during brand testing?", "engineering", []),
    ("Who answers the tough technical questions on sales calls?", "certification_sme", []),
    ("Who keeps the CRM accurate?", "internal_sdr", []),
    ("Who qualifies an enterprise opportunity?", "internal_sdr", []),
    ("Who approves a material scope deviation?", "leadership", []),
]

UNANSWERABLE = [
    "Who books the team offsite?",
    "What is the capital of France?",
    "Who approves my vacation request?",
    "Who orders new laptops for the sales team?",
    "Who sets the commission plan for SDRs?",
    "Who owns the company's social media accounts?",
    "Who cleans the office kitchen?",
    "Who is responsible for the marketing website redesign?",
    "Who picks the venue for the holiday party?",
    "Who approves expense reports for travel?",
    "Who hires new engineers?",
    "Who decides the office dress code?",
    "What's the weather tomorrow?",
    "Who writes the quarterly investor letter?",
    "Who renews the office lease?",
    "Who invented EMV?",
    "What does PCI stand for?",
    "Who is Omni's CEO?",
    "When was Omni founded?",
    "Who approves the sales team's travel budget?",
    "Who owns the Verifone company?",
    "Who maintains the office printers?",
    "Who approves parental leave?",
    "Who writes the blog posts on our website?",
    "Who runs payroll?",
    "How many terminals does Ingenico sell a year?",
    "Who chooses the company's health insurance provider?",
    "Who handles IT password resets?",
    "Who plans the annual sales kickoff party?",
    "Who decides which coffee we buy?",
    "Who approves new hires for the SDR team?",
    "Who decides annual salary increases?",
    "Who owns the marketing budget?",
    "Who is responsible for office security badges?",
    "Who organizes team lunches?",
    "Who picks the CRM vendor?",
    "Who handles GDPR data requests from employees?",
    "What time does the office open?",
    "Who approves conference sponsorships?",
    "Who writes press releases?",
    "Who approves my training budget?",
    "Who maintains the company wiki?",
    "Who decides the sales team's quota?",
    "Who books hotels for customer visits?",
    "Who runs the quarterly all-hands?",
    "Who buys swag for trade shows?",
    "Who renews our software licenses?",
    "Who is the office fire warden?",
    "Who approves team headcount?",
    "Who pays the office electricity bill?",
    "Who chooses the sales conference location?",
    "Who manages the company's LinkedIn page?",
    "Who reviews employee performance?",
    "Who handles visa applications for new hires?",
]


@pytest.fixture(scope="module")
def settings() -> Settings:
    settings = get_settings()
    build_index(settings, progress=False)
    return settings


def _question_set(split: str) -> QuestionSet | None:
    path = QUESTIONS / f"{split}.yaml"
    return load_question_set(path) if path.is_file() else None


@pytest.mark.parametrize("split", ["dev", "test"])
def test_gold_question_sets(settings: Settings, split: str) -> None:
    questions = _question_set(split)
    if questions is None or not questions.questions:
        pytest.skip(f"evals/questions/{split}.yaml not present")
    answerable = [q for q in questions.questions if q.answerable]
    correct, violations, wrong_refusals = 0, [], []
    for question in questions.questions:
        answer = ask(question.question, settings)
        violations += [(question.id, role) for role in answer.owners if role in question.must_not]
        if question.answerable:
            correct += bool(answer.owners) and answer.owners[0] == question.owners[0]
        elif answer.owners:
            wrong_refusals.append((question.id, answer.owners))
    assert violations == []  # a must-not role is never named as owner
    # unanswerable questions get owners []; dev holds blind batches folded in after their first run,
    # whose honest misses stay visible in the eval report rather than being tuned away
    unanswerable = len(questions.questions) - len(answerable)
    assert len(wrong_refusals) <= 0.15 * unanswerable, wrong_refusals
    if split == "dev":  # the held-out test split is reported by the eval harness, not asserted here
        assert answerable and correct / len(answerable) >= 0.9


def test_paraphrased_questions(settings: Settings) -> None:
    misses, violations = [], []
    for question, owner, must_not in PARAPHRASES:
        answer = ask(question, settings)
        if not answer.owners or answer.owners[0] != owner:
            misses.append((question, answer.owners))
        violations += [(question, role) for role in answer.owners if role in must_not]
    # learned from examples, not fitted to these sentences: a few misses are expected, and a
    # must-not owner (the worst error) on at most 1.5% of them
    assert len(violations) / len(PARAPHRASES) <= 0.015, violations
    assert len(misses) / len(PARAPHRASES) <= 0.05, misses


def test_unanswerable_questions_are_refused(settings: Settings) -> None:
    answered = [(q, a.owners) for q in UNANSWERABLE if (a := ask(q, settings)).owners]
    assert len(answered) / len(UNANSWERABLE) <= 0.2, answered  # meaning-based refusal is not perfect
