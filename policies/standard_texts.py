"""The standard texts a new association starts from, loaded as DRAFT versions by a data
migration (and by seed_demo if they are missing), so the board approves a complete text
rather than someone typing it:

- the beneficiary-relations policy: the union of the five seed copies (see POLICY.md),
  in their wording (spelling slips corrected), arranged by the POL clauses — section N,
  item M is POL-N.M; the board-approval section (POL-8) is printed from the meeting
  record, not typed in the body;
- a privacy notice in the terms of the Saudi Personal Data Protection Law (PDPL);
- the consent text (POL-7.9) and the declaration text (POL-7.6) applicants accept.

Nothing here is in force until the board approves it."""

BENEFICIARY_RELATIONS_AR = """\
## أولاً: تمهيد

1. تضع الجمعية السياسات والإجراءات التي تنظم علاقتها بجميع الأطراف من مستفيدين وداعمين ومتطوعين وخلافه، بما يكفل حقوق الجمعية وكافة هذه الأطراف. وتشكل أنظمة العمل والعقود المصدر الأساسي في تحديد حقوق وواجبات المتعاقدين وطريقة أدائها وتبعات التقصير في الأداء، وحدود المسؤولية وطريقة تسوية الخلافات التي قد تنشأ من جراء تنفيذ هذه العقود والخدمات بشكل يكفل حماية الأطراف ذات العلاقة مع الجمعية. وتختص هذه السياسة بالضوابط والمعايير الخاصة بالمستفيدين، لضمان الالتزام والتطبيق وفق أسس منهجية تحقيقاً لأهداف الجمعية وأدائها المؤسسي.
2. تركز الجمعية على صيغة العلاقات مع المستفيدين، وتضع لها أولوية من خلال وضع آلية لتنظيم هذه العلاقة، مع مراجعتها باستمرار والتعديل عليها وتعميمها بما يكفل حقوق المستفيد.

## ثانياً: الهدف العام

تقديم خدمة متميزة للمستفيدين من كافة الشرائح بإتقان وسرعة وجودة عالية لإنجاز معاملاتهم ومتابعة متطلباتهم ومقترحاتهم، والعمل على مواصلة التطوير والتحسين التي تتم بالتعاون مع كافة الجهات للوصول إلى تحقيق الأهداف، والوصول إليهم بأسهل الطرق دون الحاجة إلى طلب المستفيد.

## ثالثاً: أنواع مستفيدي الجمعية

1. **مستفيد مباشر:** وهو المستفيد الذي تقدم له الجمعية خدمة مباشرة، وتدون بياناته بشكل متكامل، ويتم قياس رضاه بعد نهاية البرنامج.
2. **مستفيد غير مباشر:** وهو المستفيد الذي يستفيد من منشورات أو منتجات أو محتوى الجمعية عبر موقعها الإلكتروني أو في منصات التواصل الاجتماعي للجمعية.

## رابعاً: الأهداف التفصيلية

1. تقدير حاجة المستفيد وكافة الفئات المستفيدة في الجمعية من خلال تسهيل الإجراءات، وحصولهم على كافة الخدمات المطلوبة دون عناء ومشقة.
2. تقديم الخدمات المتكاملة بأحدث الأساليب الإلكترونية في خدمة المستفيد.
3. تقديم المعلومات والإجابات بشكل ملائم بما يتناسب مع تساؤلات المستفيدين واستفساراتهم من خلال عدة قنوات.
4. تقديم خدمة للمستفيد من موقعه حفاظاً لوقته وتقديراً لظروفه وسرعة إنجاز خدمته.
5. التركيز على عملية قياس رضا المستفيد كوسيلة لرفع جودة الخدمة المقدمة والتحسين المستمر لإجراء تقديم الخدمة وأداء مقدم الخدمة.
6. زيادة ثقة وانتماء المستفيدين بالجمعية من خلال تبني أفضل المعايير والممارسات في تقديم الخدمة للمستفيد، وذلك عن طريق ما يلي:
    1. تصحيح المفاهيم السائدة لدى المستفيد عن الخدمات المقدمة في الجمعية.
    2. تكوين انطباعات وقناعات إيجابية جديدة نحو الجمعية وما تقدم من خدمات.
    3. نشر ثقافة تقييم الخدمة لدى المستفيد والتشجيع على ذلك، والتأكيد على أن تقييم جودة الخدمة حق من حقوق المستفيد، حيث إنها أداة للتقويم والتطوير لا للعقاب والتشهير.
    4. نشر ثقافة جودة الخدمة بين جميع الأقسام التي تقدم خدماتها للمستفيدين الداخلي أو الخارجي.
    5. ابتكار مفاهيم وتقنيات إدارية للارتقاء بمستوى ونوعية الخدمات المقدمة للمستفيد، ومحاولة القضاء على معوقات تقديم خدمات ذات جودة عالية، وذلك من خلال التطوير والتحسين المستمر للخدمات المقدمة للمستفيد من خلال تلمس آراء المستفيدين.

## خامساً: القنوات المستخدمة للتواصل مع المستفيدين

1. المقابلة.
2. الاتصالات الهاتفية.
3. الخطابات.
4. وسائل التواصل الاجتماعي.
5. خدمات طلب المساعدة.
6. خدمة التطوع ومنصة التطوع.
7. الموقع الإلكتروني للجمعية.
8. مناديب المكاتب الفرعية.
9. الباحث الاجتماعي.
10. البريد الإلكتروني.

## سادساً: الأدوات المتاحة لموظف علاقات المستفيدين للتواصل مع المستفيدين

1. اللائحة الأساسية للجمعية.
2. دليل خدمات البحث الاجتماعي.
3. دليل سياسة الدعم للمستفيدين.
4. طلب دعم مستفيد.
5. دليل تقديم الخدمات للمستفيدين.

## سابعاً: التعامل مع المستفيد

ويتم التعامل مع المستفيد على مختلف المستويات لإنهاء معاملاته بالشكل التالي:

1. استقبال المستفيد بلباقة واحترام، والإجابة على جميع الاستفسارات، وإعطاء المراجع الوقت الكافي.
2. التأكيد على المستفيد بأن التقديم يتم إلكترونياً من خلال روابط الجمعية أو موقع الجمعية.
3. التأكد من تقديم المراجع كافة المعلومات المطلوبة، وعلى الموظف مطابقة البيانات والتأكد من صلاحيتها وقت التقديم.
4. المحافظة على خصوصية بيانات المستفيد وسريتها.
5. في حالة عدم وضوح الإجراءات للمستفيد فعلى الموظف إحالته لمسؤول البحث الاجتماعي للإجابة على تساؤلاته وإيضاح الجوانب التنظيمية.
6. التأكد من صحة البيانات المقدمة من طالب الدعم والتوقيع عليها، وأنه مسؤول مسؤولية مباشرة عن صحة المعلومات.
7. التوضيح للمستفيد بأن طلبه سيرفع للجنة البحث (اللجنة المختصة) لدراسة طلبه والرد عليه بشأن قبوله أو رفضه خلال مدة لا تقل عن أسبوعين.
8. استكمال إجراءات التسجيل مع اكتمال الطلبات.
9. يعتبر التقديم عبر الرابط الإلكتروني أو زيارة الجمعية لأي برنامج رغبة من المستفيد في الاستفادة وموافقة على تعليماته.
10. تقديم الخدمة اللازمة للمستفيد حسب آلية وإجراءات استحقاق المستفيد للبرامج والأنشطة التي تقدمها الجمعية للمستفيدين بحسب سياسة كل برنامج ونشاط.
11. التركيز على عملية قياس رضا المستفيد كوسيلة لرفع جودة الخدمة المقدمة والتحسين المستمر لإجراء تقديم الخدمة وأداء مقدم الخدمة.
12. في حال طلب المستفيد خدمة أو برنامجاً ليس من اختصاص الجمعية، يتم إحالته للجمعية المختصة وإبلاغه أن هذه الخدمة أو البرنامج ليس من اختصاصات الجمعية.
13. تقديم الخدمة اللازمة.
"""

BENEFICIARY_RELATIONS_EN = """\
## 1. Preamble

1. The association sets the policies and procedures that regulate its relationship with every party — beneficiaries, supporters, volunteers and others — in a way that safeguards the rights of the association and of all these parties. Labour regulations and contracts are the primary source for defining the rights and duties of the contracting parties, how they are performed, the consequences of failing to perform them, the limits of liability, and how disputes arising from these contracts and services are settled, so that every party dealing with the association is protected. This policy sets the rules and standards that concern beneficiaries, so that they are observed and applied methodically, in pursuit of the association's goals and institutional performance.
2. The association gives particular attention to the form of its relationship with beneficiaries and makes it a priority by establishing a mechanism to regulate it, which is reviewed continuously, amended and circulated so that the beneficiary's rights are safeguarded.

## 2. General goal

To provide excellent service to beneficiaries of every segment, with mastery, speed and high quality, in completing their transactions and following up their requirements and suggestions; to keep developing and improving in co-operation with all parties in order to achieve the goals; and to reach beneficiaries in the easiest way, without them having to ask.

## 3. Types of beneficiary

1. **Direct beneficiary:** a beneficiary to whom the association provides a service directly; their data is recorded in full and their satisfaction is measured after the program ends.
2. **Indirect beneficiary:** a beneficiary who benefits from the association's publications, products or content on its website or on its social-media platforms.

## 4. Detailed goals

1. To assess the needs of each beneficiary and of every category of beneficiaries by simplifying procedures, so that they obtain all the services they need without hardship.
2. To provide integrated services using the latest electronic means of serving beneficiaries.
3. To provide information and answers suited to beneficiaries' questions and enquiries, through several channels.
4. To serve the beneficiary from where they are, saving their time, respecting their circumstances and completing their service quickly.
5. To focus on measuring beneficiary satisfaction as a means of raising the quality of the service and continuously improving how the service is delivered and how those who deliver it perform.
6. To increase beneficiaries' trust in and sense of belonging to the association by adopting the best standards and practices in serving them, through the following:
    1. Correcting beneficiaries' common misconceptions about the association's services.
    2. Building new, positive impressions and convictions about the association and its services.
    3. Spreading a culture of service evaluation among beneficiaries and encouraging it, and affirming that rating the quality of a service is a right of the beneficiary — a tool for assessment and improvement, never for punishment or shaming.
    4. Spreading a culture of service quality across all departments that serve internal or external beneficiaries.
    5. Devising administrative concepts and techniques that raise the level and quality of the services provided to beneficiaries and seek to remove the obstacles to high-quality service, through continuous development and improvement of those services guided by beneficiaries' opinions.

## 5. Channels of communication with beneficiaries

1. Interview in person.
2. Phone calls.
3. Letters.
4. Social media.
5. Help-request services.
6. The volunteering service and volunteering platform.
7. The association's website.
8. Branch-office representatives.
9. The social researcher.
10. E-mail.

## 6. Tools available to the beneficiary-relations officer

1. The association's basic bylaws.
2. The social-research services guide.
3. The beneficiary support policy guide.
4. The beneficiary support request form.
5. The guide to delivering services to beneficiaries.

## 7. Handling a beneficiary

A beneficiary is dealt with at every level, until their transaction is complete, as follows:

1. Receive the beneficiary courteously and respectfully, answer all their questions and give them enough time.
2. Make clear to the beneficiary that applications are made electronically, through the association's links or website.
3. Make sure the applicant has supplied all the required information; the officer matches the data and checks that it is valid at the time of submission.
4. Keep the beneficiary's data private and confidential.
5. Where the procedures are unclear to the beneficiary, the officer refers them to the social-research officer, who answers their questions and explains the organisational side.
6. Make sure the data submitted by the applicant for support is correct and signed by them, and that they are directly responsible for the accuracy of the information.
7. Explain to the beneficiary that their request will be put to the research committee (the competent committee), which studies it and answers whether it is accepted or rejected, within a period of no less than two weeks.
8. Complete the registration once the request is complete.
9. Applying through the electronic link, or visiting the association for any program, is the beneficiary's wish to benefit and their consent to that program's rules.
10. Provide the service the beneficiary needs according to the mechanism and procedures of eligibility for the association's programs and activities, under the policy of each program and activity.
11. Focus on measuring beneficiary satisfaction as a means of raising the quality of the service and continuously improving how it is delivered and how those who deliver it perform.
12. When a beneficiary asks for a service or program outside the association's remit, refer them to the competent association and tell them that the service or program is not within the association's remit.
13. Provide the service needed.
"""

PRIVACY_NOTICE_AR = """\
تحترم الجمعية خصوصيتك، وتعالج بياناتك الشخصية وفق نظام حماية البيانات الشخصية في المملكة العربية السعودية ولوائحه التنفيذية. يوضح هذا الإشعار ما نجمعه من بيانات، ولماذا، وإلى متى نحتفظ بها، وما حقوقك.

## أولاً: الجهة المسؤولة عن بياناتك

الجمعية هي الجهة المسؤولة عن معالجة بياناتك الشخصية، ويمكنك التواصل معها عبر وسائل التواصل المبينة في موقعها الإلكتروني وفي أسفل هذه الصفحة، أو بزيارة مقرها.

## ثانياً: الغرض من جمع البيانات

1. دراسة طلبك للاستفادة من برامج الجمعية، والتحقق من صحة بياناتك ومستنداتك واستحقاقك للبرنامج وفق سياسته.
2. عرض طلبك على لجنة البحث (اللجنة المختصة) لتقرر قبوله أو رفضه، وإبلاغك بالقرار.
3. تقديم الخدمة لك ومتابعتها، والتواصل معك بشأن طلبك عبر القناة التي تختارها.
4. قياس رضاك عن الخدمة لتحسين جودتها، وتلقي شكاواك ومقترحاتك.
5. الوفاء بالتزامات الجمعية النظامية وإعداد الإحصاءات والتقارير دون ما يدل على شخصك.

## ثالثاً: البيانات التي نجمعها

1. بيانات الهوية: الاسم، ورقم الهوية الوطنية أو الإقامة، وتاريخ الميلاد، والجنسية.
2. بيانات التواصل: رقم الجوال، والبريد الإلكتروني، والعنوان.
3. البيانات الاجتماعية والاقتصادية اللازمة لدراسة الطلب: أفراد الأسرة، والدخل، والسكن، والحالة الصحية عند الحاجة إليها في البرنامج.
4. المستندات التي ترفقها بطلبك، وسجل تواصلك مع الجمعية، وإجاباتك على استبانات الرضا.

لا نطلب إلا ما يحتاجه البرنامج الذي تتقدم له، ولا يطلع على البيانات الحساسة (كالحالة الصحية والدخل) إلا من تقتضي مهمته ذلك، ويُسجَّل كل اطلاع على ملفك.

## رابعاً: مشاركة البيانات

لا نبيع بياناتك ولا نشاركها لأغراض تسويقية. قد نشاركها في حدود الحاجة مع: لجنة البحث في الجمعية، والجمعية المختصة عند إحالة طلبك إليها بعد إبلاغك، والجهات الحكومية عندما يوجب النظام ذلك.

## خامساً: مدة الاحتفاظ بالبيانات

نحتفظ ببياناتك طوال مدة استفادتك من البرنامج، ثم المدة التي تقتضيها الأنظمة واللوائح المنظمة لعمل الجمعيات الأهلية والمراجعة المالية. وعند انتهائها نتلف بياناتك أو نجعلها مجهولة الهوية بحيث لا تدل على شخصك.

## سادساً: حقوقك

يكفل لك نظام حماية البيانات الشخصية الحقوق الآتية:

1. الحق في العلم بكيفية جمع بياناتك ومعالجتها والغرض من ذلك، وهو ما يبينه هذا الإشعار.
2. الحق في الوصول إلى بياناتك والحصول على نسخة منها بصيغة واضحة.
3. الحق في طلب تصحيح بياناتك أو إكمالها أو تحديثها.
4. الحق في طلب إتلاف بياناتك متى انتفت الحاجة إليها، ما لم يوجب النظام الاحتفاظ بها.
5. الحق في الرجوع عن موافقتك على معالجة بياناتك في أي وقت، مع العلم أن ذلك قد يمنع استكمال دراسة طلبك أو تقديم الخدمة.

## سابعاً: التواصل والشكاوى

لممارسة أي من حقوقك أو الاستفسار عن بياناتك، تواصل مع الجمعية عبر وسائل التواصل المبينة في أسفل هذه الصفحة أو عبر صفحة الشكاوى والمقترحات، وسنرد عليك خلال المدة التي يحددها النظام. ولك أن تتقدم بشكواك إلى الجهة المختصة بالإشراف على تطبيق نظام حماية البيانات الشخصية.

## ثامناً: تحديث هذا الإشعار

قد نحدّث هذا الإشعار، ويعتمد مجلس إدارة الجمعية كل تحديث، ونبين في هذه الصفحة تاريخ سريان النسخة المعمول بها.
"""

PRIVACY_NOTICE_EN = """\
The association respects your privacy and processes your personal data under the Personal Data Protection Law of the Kingdom of Saudi Arabia (PDPL) and its implementing regulations. This notice explains what data we collect, why, how long we keep it, and what your rights are.

## 1. Who is responsible for your data

The association is the controller of your personal data. You can reach it through the contact details on its website and at the bottom of this page, or by visiting its office.

## 2. Why we collect data

1. To study your application to benefit from the association's programs, and to check your data, your documents and your eligibility under the program's policy.
2. To put your request to the research committee (the competent committee), which accepts or rejects it, and to tell you its decision.
3. To deliver and follow up the service, and to contact you about your request through the channel you choose.
4. To measure your satisfaction with the service in order to improve it, and to receive your complaints and suggestions.
5. To meet the association's legal obligations and prepare statistics and reports that do not identify you.

## 3. What data we collect

1. Identity data: name, national ID or residence permit (iqama) number, date of birth, nationality.
2. Contact data: mobile number, e-mail, address.
3. The social and economic data needed to study the request: household members, income, housing, and health where the program needs it.
4. The documents you attach to your request, the record of your contacts with the association, and your answers to satisfaction surveys.

We ask only for what the program you apply for needs. Sensitive data (such as health and income) is seen only by those whose task requires it, and every opening of your file is logged.

## 4. Sharing

We never sell your data or share it for marketing. We may share it, only as far as needed, with: the association's research committee; the competent association when your request is referred to it, after telling you; and government authorities where the law requires it.

## 5. How long we keep it

We keep your data for as long as you benefit from the program, then for the period required by the regulations that govern non-profit associations and financial audit. After that we destroy your data or anonymise it so that it no longer identifies you.

## 6. Your rights

The PDPL gives you the right:

1. to be informed of how and why your data is collected and processed, as this notice explains;
2. to access your data and obtain a copy of it in a clear format;
3. to ask for your data to be corrected, completed or updated;
4. to ask for your data to be destroyed once it is no longer needed, unless the law requires it to be kept;
5. to withdraw your consent to the processing of your data at any time — knowing that this may prevent the study of your request or the delivery of the service.

## 7. Contact and complaints

To exercise any of your rights or ask about your data, contact the association through the details at the bottom of this page or through the complaints and suggestions page; we will answer within the period the law sets. You may also complain to the authority that supervises the application of the PDPL.

## 8. Changes to this notice

We may update this notice; every update is approved by the association's board of directors, and this page shows the date from which the version in force applies.
"""

CONSENT_AR = """\
بتقديمي هذا الطلب عبر الرابط الإلكتروني أو بزيارتي الجمعية، فإنني:

1. أرغب في الاستفادة من البرنامج الذي تقدمت له، وأوافق على تعليماته وشروطه وسياسة استحقاقه.
2. أوافق على أن تجمع الجمعية بياناتي الشخصية المذكورة في الطلب ومستنداتي وتعالجها لغرض دراسة طلبي وتقديم الخدمة ومتابعتها وقياس رضاي عنها، وفق إشعار الخصوصية المعمول به.
3. أوافق على أن تتواصل معي الجمعية بشأن طلبي عبر وسائل التواصل التي زودتها بها.
4. أعلم أن لي الرجوع عن هذه الموافقة في أي وقت، وأن ذلك قد يمنع استكمال دراسة طلبي أو تقديم الخدمة.
"""

CONSENT_EN = """\
By submitting this request through the electronic link, or by visiting the association, I:

1. wish to benefit from the program I have applied for, and accept its rules, conditions and eligibility policy;
2. consent to the association collecting and processing the personal data in this request and my documents in order to study my request, deliver and follow up the service and measure my satisfaction with it, under the privacy notice in force;
3. consent to the association contacting me about my request through the contact details I have given;
4. understand that I may withdraw this consent at any time, and that doing so may prevent the study of my request or the delivery of the service.
"""

DECLARATION_AR = """\
أقر أنا مقدم الطلب بما يلي:

1. أن جميع البيانات والمعلومات التي قدمتها في هذا الطلب صحيحة وكاملة، وأن المستندات المرفقة صحيحة وسارية وقت التقديم.
2. أنني مسؤول مسؤولية مباشرة عن صحة هذه المعلومات.
3. أنني أتعهد بإبلاغ الجمعية بأي تغيير يطرأ على بياناتي أو ظروفي خلال مدة دراسة الطلب أو الاستفادة من البرنامج.
4. أنني أعلم أن للجمعية التحقق من صحة ما قدمته، وأن ثبوت عدم صحة أي منه قد يؤدي إلى رفض الطلب أو إيقاف الخدمة.
"""

DECLARATION_EN = """\
I, the applicant, declare that:

1. all the data and information I have given in this request is correct and complete, and the documents attached are genuine and valid at the time of submission;
2. I am directly responsible for the accuracy of this information;
3. I will tell the association of any change in my data or circumstances while the request is studied or while I benefit from the program;
4. I know that the association may check what I have submitted, and that if any of it proves untrue the request may be rejected or the service stopped.
"""

# slug, kind, position, Arabic title, English title, Arabic body, English body
STANDARD_DOCUMENTS = [
    (
        "beneficiary-relations-policy",
        "beneficiary_relations",
        10,
        "سياسة تنظيم العلاقة مع المستفيدين",
        "Policy regulating the relationship with beneficiaries",
        BENEFICIARY_RELATIONS_AR,
        BENEFICIARY_RELATIONS_EN,
    ),
    (
        "privacy-notice",
        "privacy_notice",
        20,
        "إشعار الخصوصية",
        "Privacy notice",
        PRIVACY_NOTICE_AR,
        PRIVACY_NOTICE_EN,
    ),
    (
        "consent",
        "consent",
        30,
        "الموافقة على تعليمات البرنامج ومعالجة البيانات",
        "Consent to the program's rules and to data processing",
        CONSENT_AR,
        CONSENT_EN,
    ),
    (
        "declaration",
        "declaration",
        40,
        "الإقرار بصحة البيانات",
        "Declaration that the data is correct",
        DECLARATION_AR,
        DECLARATION_EN,
    ),
]


def load_standard_documents(document_model, version_model) -> int:
    """Create each standard document that does not exist yet (by its slug) with its text
    as draft version 1. Takes the model classes so the data migration can pass its
    historical models. Returns how many documents it created."""
    created = 0
    for slug, kind, position, title_ar, title_en, body_ar, body_en in STANDARD_DOCUMENTS:
        if document_model.objects.filter(slug=slug).exists():
            continue
        document = document_model.objects.create(
            slug=slug,
            kind=kind,
            position=position,
            title_ar=title_ar,
            title_en=title_en,
            is_public=True,
            is_active=True,
        )
        version_model.objects.create(
            document=document,
            number=1,
            status="draft",
            body_ar=body_ar,
            body_en=body_en,
            change_note="النص القياسي المقترح للاعتماد. / The standard text, proposed for approval.",
        )
        created += 1
    return created
