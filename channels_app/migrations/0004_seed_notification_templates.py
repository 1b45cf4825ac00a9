"""Seed the default wording of every notification, in Arabic and English, by SMS and by
e-mail. Managers edit it in the back-office afterwards. The text is written here, not
imported, so this migration keeps meaning what it meant when it was written; a template
someone already wrote is left as it is."""

from django.db import migrations

AR_GREETING = "{{ recipient_name }}،\nالسلام عليكم ورحمة الله وبركاته، وبعد:\n\n"
AR_SIGNATURE = (
    "\n\nمع خالص التحية،\n{{ association_name }}"
    "{% if association_phone %}\nهاتف: {{ association_phone }}{% endif %}"
    "{% if association_website %}\n{{ association_website }}{% endif %}"
)
EN_GREETING = "Dear {{ recipient_name }},\n\n"
EN_SIGNATURE = (
    "\n\nKind regards,\n{{ association_name }}"
    "{% if association_phone %}\nPhone: {{ association_phone }}{% endif %}"
    "{% if association_website %}\n{{ association_website }}{% endif %}"
)

AR_PROGRAM = "{% if program %} في برنامج «{{ program }}»{% endif %}"
EN_PROGRAM = "{% if program %} for the “{{ program }}” program{% endif %}"

# event: {"ar": (sms, email subject, email body), "en": (…)}
TEMPLATES = {
    "request_received": {
        "ar": (
            "تم استلام طلبك رقم {{ reference }}، وستبلغك لجنة البحث بقرارها"
            "{% if due_date %} قبل {{ due_date|dual_date }}{% endif %} بإذن الله."
            " احتفظ بالرقم لمتابعة طلبك.",
            "استلمنا طلبك رقم {{ reference }}",
            "نشكر لك تواصلك مع {{ association_name }}، ونفيدك بأنه تم استلام طلبك رقم"
            " {{ reference }}" + AR_PROGRAM + ".\n\n"
            "ستدرس لجنة البحث طلبك وتبلغك بقرارها بالقبول أو الاعتذار"
            "{% if due_date %} قبل {{ due_date|dual_date }}{% endif %} بإذن الله، وقد نتواصل"
            " معك قبل ذلك إن احتجنا إلى معلومات أو مستندات إضافية.\n\n"
            "احتفظ برقم الطلب لمتابعة حالته{% if track_url %} من الرابط الآتي:\n{{ track_url }}"
            "{% else %} من صفحة «متابعة الطلب» في موقع الجمعية.{% endif %}",
        ),
        "en": (
            "We received your request {{ reference }}. The research committee will give its"
            " decision{% if due_date %} by {{ due_date|dual_date }}{% endif %}."
            " Keep this number to track your request.",
            "We received your request {{ reference }}",
            "Thank you for contacting {{ association_name }}. We have received your request"
            " {{ reference }}" + EN_PROGRAM + ".\n\n"
            "The research committee will study it and tell you whether it is approved"
            "{% if due_date %} by {{ due_date|dual_date }}{% endif %}. We may contact you"
            " before then if we need more information or documents.\n\n"
            "Keep the request number to follow its progress{% if track_url %} at:\n"
            "{{ track_url }}{% else %} on the “Track your request” page of our website."
            "{% endif %}",
        ),
    },
    "info_needed": {
        "ar": (
            "طلبك رقم {{ reference }} بحاجة إلى استكمال: {{ note|truncatechars:80 }}."
            " نستأنف دراسته فور وصول المطلوب.",
            "طلبك رقم {{ reference }} بحاجة إلى استكمال",
            "لاستكمال دراسة طلبك رقم {{ reference }} نحتاج منك إلى ما يلي:\n\n"
            "{{ note }}\n\n"
            "تتوقف مدة دراسة الطلب إلى حين استكمال المطلوب، ثم تُستأنف فور وصوله. يمكنك"
            " تقديم المطلوب بزيارة مقر الجمعية أو بالتواصل معنا{% if track_url %}، أو عبر"
            " الرابط الآتي:\n{{ track_url }}{% else %}.{% endif %}",
        ),
        "en": (
            "Your request {{ reference }} needs more information: {{ note|truncatechars:80 }}."
            " We will resume studying it as soon as we receive it.",
            "Your request {{ reference }} needs more information",
            "To continue studying your request {{ reference }}, we need the following from"
            " you:\n\n"
            "{{ note }}\n\n"
            "The time for a decision is paused until we receive it and resumes as soon as we"
            " do. You can send it by visiting the association or by contacting us"
            "{% if track_url %}, or through this link:\n{{ track_url }}{% else %}.{% endif %}",
        ),
    },
    "referred_research": {
        "ar": (
            "أُحيل طلبك رقم {{ reference }} إلى الباحث الاجتماعي في الجمعية، وسيتواصل معك"
            " قريبًا لاستكمال دراسة حالتك.",
            "إحالة طلبك رقم {{ reference }} إلى الباحث الاجتماعي",
            "نفيدك بأن طلبك رقم {{ reference }} أُحيل إلى الباحث الاجتماعي في الجمعية،"
            " وسيتواصل معك قريبًا هاتفيًا أو بزيارة ليستمع إليك ويوضح لك الإجراءات ويستكمل"
            " دراسة حالتك، ثم يعود الطلب إلى مساره المعتاد.\n\n"
            "إن كان لديك أي استفسار فلا تتردد في التواصل معنا.",
        ),
        "en": (
            "Your request {{ reference }} has been passed to our social researcher, who will"
            " contact you soon to complete the study of your case.",
            "Your request {{ reference }} has been passed to our social researcher",
            "Your request {{ reference }} has been passed to the association's social"
            " researcher, who will contact you soon, by phone or with a visit, to listen to"
            " you, explain the procedures and complete the study of your case. Your request"
            " then continues on its usual path.\n\n"
            "If you have any questions, please do not hesitate to contact us.",
        ),
    },
    "referred_external": {
        "ar": (
            "طلبك رقم {{ reference }} خارج نطاق خدمات الجمعية، وقد أحلناه إلى"
            " {{ referred_to }}{% if referred_to_contact %} (للتواصل: {{ referred_to_contact }})"
            "{% endif %}.",
            "إحالة طلبك رقم {{ reference }} إلى جهة مختصة",
            "نفيدك بأن طلبك رقم {{ reference }} يقع خارج نطاق الخدمات التي تقدمها الجمعية"
            "{% if reason %} ({{ reason }}){% endif %}، وحرصًا على خدمتك فقد أحلناه إلى الجهة"
            " المختصة: {{ referred_to }}.{% if referred_to_contact %} ويمكنك التواصل معها على:"
            " {{ referred_to_contact }}.{% endif %}\n\n"
            "نتمنى لك التوفيق، ويسعدنا تواصلك معنا في أي وقت.",
        ),
        "en": (
            "Your request {{ reference }} is outside the services we offer; we have referred it"
            " to {{ referred_to }}{% if referred_to_contact %} (contact:"
            " {{ referred_to_contact }}){% endif %}.",
            "Your request {{ reference }} has been referred to another body",
            "Your request {{ reference }} is outside the services the association offers"
            "{% if reason %} ({{ reason }}){% endif %}. So that you are still served, we have"
            " referred it to the competent body: {{ referred_to }}.{% if referred_to_contact %}"
            " You can reach them at {{ referred_to_contact }}.{% endif %}\n\n"
            "We wish you well, and you are welcome to contact us at any time.",
        ),
    },
    "decided_approved": {
        "ar": (
            "يسعدنا إبلاغك بموافقة لجنة البحث على طلبك رقم {{ reference }}، وسنتواصل معك"
            " لترتيب تقديم الخدمة.",
            "الموافقة على طلبك رقم {{ reference }}",
            "يسعدنا إبلاغك بأن لجنة البحث درست طلبك رقم {{ reference }}" + AR_PROGRAM
            + " ووافقت عليه.{% if note %}\n\n{{ note }}{% endif %}\n\n"
            "سيتواصل معك موظف علاقات المستفيدين قريبًا لترتيب تقديم الخدمة وفق سياسة البرنامج.",
        ),
        "en": (
            "We are pleased to tell you that the research committee has approved your request"
            " {{ reference }}. We will contact you to arrange the service.",
            "Your request {{ reference }} has been approved",
            "We are pleased to tell you that the research committee has studied your request"
            " {{ reference }}" + EN_PROGRAM + " and approved it.{% if note %}\n\n{{ note }}"
            "{% endif %}\n\n"
            "A beneficiary-relations officer will contact you soon to arrange the service"
            " according to the program's rules.",
        ),
    },
    "decided_rejected": {
        "ar": (
            "نعتذر عن عدم إمكان قبول طلبك رقم {{ reference }} بعد دراسته في لجنة البحث."
            " للاستفسار تواصل معنا{% if association_phone %} على {{ association_phone }}"
            "{% endif %}.",
            "نتيجة دراسة طلبك رقم {{ reference }}",
            "درست لجنة البحث طلبك رقم {{ reference }}" + AR_PROGRAM + "، ونعتذر عن عدم إمكان"
            " قبوله.{% if reason %}\n\nسبب القرار: {{ reason }}{% endif %}\n\n"
            "إن تغيّرت ظروفك أو كانت لديك معلومات لم تُعرض على اللجنة فيسعدنا أن تتقدم بطلب"
            " جديد أو تتواصل معنا للاستفسار.",
        ),
        "en": (
            "We are sorry: after study, the research committee could not approve your request"
            " {{ reference }}. For questions, contact us{% if association_phone %} on"
            " {{ association_phone }}{% endif %}.",
            "The decision on your request {{ reference }}",
            "The research committee has studied your request {{ reference }}" + EN_PROGRAM
            + ", and we regret that it could not be approved.{% if reason %}\n\n"
            "The reason for the decision: {{ reason }}{% endif %}\n\n"
            "If your circumstances change, or you have information the committee did not see,"
            " you are welcome to apply again or to contact us with any question.",
        ),
    },
    "service_delivered": {
        "ar": (
            "تم تقديم الخدمة الخاصة بطلبك رقم {{ reference }}. شكرًا لثقتك بنا، ويسعدنا سماع"
            " رأيك في الخدمة.",
            "تم تقديم الخدمة لطلبك رقم {{ reference }}",
            "نفيدك بأنه تم تقديم الخدمة الخاصة بطلبك رقم {{ reference }}" + AR_PROGRAM + ".\n\n"
            "نشكر لك ثقتك بالجمعية، وسيصلك قريبًا استبيان قصير لقياس رضاك عن الخدمة؛ فرأيك"
            " يساعدنا على تحسين خدماتنا.",
        ),
        "en": (
            "The service for your request {{ reference }} has been delivered. Thank you for your"
            " trust; we would be glad to hear your opinion of it.",
            "The service for your request {{ reference }} has been delivered",
            "The service for your request {{ reference }}" + EN_PROGRAM
            + " has been delivered.\n\n"
            "Thank you for your trust in the association. You will soon receive a short survey"
            " about your satisfaction with the service: your opinion helps us improve.",
        ),
    },
    "survey_invitation": {
        "ar": (
            "رأيك يهمنا: قيّم الخدمة التي قدمناها لك عبر الرابط {{ survey_url }}",
            "شاركنا رأيك في خدماتنا",
            "نشكر لك ثقتك بالجمعية، ويسعدنا أن تشاركنا رأيك في الخدمة التي قدمناها لك"
            "{% if reference %} (الطلب رقم {{ reference }}){% endif %} من خلال استبيان قصير لا"
            " يستغرق سوى دقائق:\n\n"
            "{{ survey_url }}\n\n"
            "تقييمك حق لك، ونستخدمه لتحسين الخدمة وأداء من يقدمها، لا للمحاسبة أو اللوم.",
        ),
        "en": (
            "Your opinion matters: please rate the service we gave you at {{ survey_url }}",
            "Tell us what you think of our service",
            "Thank you for your trust. We would be glad to hear what you think of the service"
            " we gave you{% if reference %} (request {{ reference }}){% endif %}, in a short"
            " survey that takes only a few minutes:\n\n"
            "{{ survey_url }}\n\n"
            "Rating our service is your right. We use your answers to improve the service and"
            " the work of those who provide it, never to blame anyone.",
        ),
    },
    "feedback_received": {
        "ar": (
            "استلمنا رسالتك رقم {{ reference }}، وسنتابعها ونرد عليك في أقرب وقت. شكرًا"
            " لتواصلك معنا.",
            "استلمنا رسالتك رقم {{ reference }}",
            "نشكر لك تواصلك معنا، ونفيدك بأنه تم استلام رسالتك برقم {{ reference }}، وستتابعها"
            " الجهة المختصة في الجمعية وتردّ عليك في أقرب وقت.\n\n"
            "احتفظ بالرقم لمتابعة رسالتك.",
        ),
        "en": (
            "We received your message {{ reference }}. We will follow it up and reply as soon as"
            " possible. Thank you for writing to us.",
            "We received your message {{ reference }}",
            "Thank you for writing to us. We have received your message, number"
            " {{ reference }}; the right person in the association will follow it up and reply"
            " as soon as possible.\n\n"
            "Keep the number to follow your message.",
        ),
    },
    "feedback_reply": {
        "ar": (
            "ردّ الجمعية على رسالتك رقم {{ reference }}: {{ reply|truncatechars:90 }}",
            "ردّ على رسالتك رقم {{ reference }}",
            "نشكر لك رسالتك رقم {{ reference }}، وهذا ردّنا عليها:\n\n"
            "{{ reply }}\n\n"
            "إن كان لديك أي استفسار آخر فيسعدنا تواصلك معنا.",
        ),
        "en": (
            "Our reply to your message {{ reference }}: {{ reply|truncatechars:90 }}",
            "A reply to your message {{ reference }}",
            "Thank you for your message {{ reference }}. Here is our reply:\n\n"
            "{{ reply }}\n\n"
            "If you have any other question, you are welcome to contact us.",
        ),
    },
}


def rows():
    for event, languages in TEMPLATES.items():
        for language, (sms, subject, body) in languages.items():
            greeting, signature = (
                (AR_GREETING, AR_SIGNATURE) if language == "ar" else (EN_GREETING, EN_SIGNATURE)
            )
            yield event, "sms", language, "", sms
            yield event, "email", language, subject, greeting + body + signature


def seed(apps, schema_editor):
    NotificationTemplate = apps.get_model("channels_app", "NotificationTemplate")
    for event, transport, language, subject, body in rows():
        NotificationTemplate.objects.get_or_create(
            event=event,
            transport=transport,
            language=language,
            defaults={"subject": subject, "body": body},
        )


def unseed(apps, schema_editor):
    NotificationTemplate = apps.get_model("channels_app", "NotificationTemplate")
    NotificationTemplate.objects.filter(event__in=list(TEMPLATES)).delete()


class Migration(migrations.Migration):
    dependencies = [("channels_app", "0003_notifications")]
    operations = [migrations.RunPython(seed, unseed)]
